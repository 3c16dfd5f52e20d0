import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { glob, globSync } from 'tinyglobby';
import { parse, stringify } from 'yaml';
import { artifactStoreConfigFromEnv } from '../../src/artifacts/store';
import { hardwareProfiles } from '../../src/config/hardware';
import { projectRoot } from '../../src/config/paths';
import { taskQueues, workerConcurrency } from '../../src/config/queues';
import { temporalSettings } from '../../src/config/temporal';
import { parseManifests, renderKustomization, validateManifests, type Manifest } from './render-manifests';

const k8sDir = path.join(projectRoot, 'infra', 'k8s');
const WORKER_KINDS = ['control', 'cpu', 'gpu'] as const;
type WorkerKind = (typeof WORKER_KINDS)[number];

interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  livenessProbe?: { httpGet?: { port: string | number; path: string } };
  readinessProbe?: { httpGet?: { port: string | number; path: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

interface PodSpec {
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string; items?: { key: string }[] }; secret?: { secretName: string; items?: { key: string }[] }; persistentVolumeClaim?: { claimName: string } }[];
  terminationGracePeriodSeconds?: number;
  nodeSelector?: Record<string, string>;
  tolerations?: { key?: string; operator?: string; effect?: string }[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

/** Every kustomization (not the components, which only exist inside one) under infra/k8s. */
function kustomizationDirs(): string[] {
  return globSync('**/kustomization.yaml', { cwd: k8sDir })
    .filter((file) => (parse(fs.readFileSync(path.join(k8sDir, file), 'utf8')) as { kind?: string }).kind !== 'Component')
    .map((file) => path.dirname(file))
    .sort();
}

const overlays = () => kustomizationDirs().filter((dir) => dir.startsWith('overlays/'));
const rendered = new Map<string, Manifest[]>();
function render(dir: string): Manifest[] {
  if (!rendered.has(dir)) rendered.set(dir, parseManifests(renderKustomization(path.join(k8sDir, dir)), dir));
  return rendered.get(dir)!;
}

function worker(manifests: Manifest[], kind: WorkerKind): { deployment: Manifest; pod: PodSpec; container: Container } {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/component'] === `${kind}-worker`);
  assert.ok(deployment, `no Deployment labelled app.kubernetes.io/component=${kind}-worker`);
  const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
  return { deployment, pod, container: pod.containers[0]! };
}

/** The environment a worker's container starts with: its ConfigMap imports, then its own entries. */
function environment(manifests: Manifest[], container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const map = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === from.configMapRef?.name);
    Object.assign(env, (map?.data as Record<string, string> | undefined) ?? {});
  }
  for (const entry of container.env ?? []) env[entry.name] = entry.value ?? `<from ${entry.valueFrom?.secretKeyRef?.name ?? entry.valueFrom?.configMapKeyRef?.name}>`;
  return env;
}

/** What a pod needs from the cluster: `Kind/name`, with the keys it reads from it. */
function references(pod: PodSpec): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  const add = (ref: string, keys: string[] = []) => {
    const set = refs.get(ref) ?? new Set<string>();
    keys.forEach((k) => set.add(k));
    refs.set(ref, set);
  };
  for (const v of pod.volumes ?? []) {
    if (v.configMap) add(`ConfigMap/${v.configMap.name}`, v.configMap.items?.map((i) => i.key));
    if (v.secret) add(`Secret/${v.secret.secretName}`, v.secret.items?.map((i) => i.key));
    if (v.persistentVolumeClaim) add(`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`);
  }
  for (const c of pod.containers) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef) add(`ConfigMap/${from.configMapRef.name}`);
      if (from.secretRef) add(`Secret/${from.secretRef.name}`);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef) add(`Secret/${e.valueFrom.secretKeyRef.name}`, [e.valueFrom.secretKeyRef.key]);
      if (e.valueFrom?.configMapKeyRef) add(`ConfigMap/${e.valueFrom.configMapKeyRef.name}`, [e.valueFrom.configMapKeyRef.key]);
    }
  }
  return refs;
}

/** The README's table of what operators create: `Kind/name` with its documented keys. */
function operatorCreated(): Map<string, Set<string>> {
  const readme = fs.readFileSync(path.join(projectRoot, 'infra', 'README.md'), 'utf8');
  const rows = new Map<string, Set<string>>();
  for (const line of readme.split('\n')) {
    const match = /^\s*\|\s*(Secret|ConfigMap|PersistentVolumeClaim)\s*\|\s*`([^`]+)`\s*\|([^|]*)\|/.exec(line);
    if (match) rows.set(`${match[1]}/${match[2]}`, new Set([...match[3]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)));
  }
  return rows;
}

/** A duration constant of the code, read from its source so that the check follows the code. */
function durationInSource(file: string, pattern: RegExp): number {
  const source = fs.readFileSync(path.join(projectRoot, file), 'utf8');
  const match = pattern.exec(source);
  assert.ok(match, `${file}: ${pattern} not found; update this test to where the grace is now set`);
  const raw = match[1]!;
  return /^[\d_]+$/.test(raw) ? Number(raw.replace(/_/g, '')) : msToNumber(raw as Duration);
}

describe('Kubernetes manifests (infra/k8s)', function () {
  this.timeout(120_000);

  it('has a base, an overlay for each kind of Temporal, and every component in use by an overlay', () => {
    const dirs = kustomizationDirs();
    assert.ok(dirs.includes('base'), `kustomizations found: ${dirs.join(', ')}`);
    assert.ok(overlays().length >= 2, `expected overlays for a self-hosted cluster and Temporal Cloud, found ${overlays().join(', ')}`);
    const components = globSync('components/*/kustomization.yaml', { cwd: k8sDir }).map((f) => path.basename(path.dirname(f)));
    for (const component of components) {
      const users = overlays().filter((dir) => {
        const k = parse(fs.readFileSync(path.join(k8sDir, dir, 'kustomization.yaml'), 'utf8')) as { components?: string[] };
        return (k.components ?? []).some((c) => path.basename(c) === component);
      });
      assert.ok(users.length > 0, `components/${component} is used by no overlay, so nothing validates it`);
    }
  });

  it('renders every kustomization, and each object passes the Kubernetes 1.31 schemas strictly', () => {
    for (const dir of kustomizationDirs()) {
      const yamlText = renderKustomization(path.join(k8sDir, dir));
      const count = parseManifests(yamlText, dir).length;
      const result = validateManifests(yamlText);
      assert.deepEqual(result.problems, [], `${dir}: kubernetes-validate found problems`);
      assert.ok(result.ok, `${dir}: kubernetes-validate failed`);
      assert.equal(result.passed.length, count, `${dir}: ${count} objects rendered, ${result.passed.length} validated (${result.passed.join(', ')})`);
    }
  });

  it('rejects a broken manifest: a mistyped field, a wrong type and a kind without a schema', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-manifests-'));
    try {
      const gpu = parse(fs.readFileSync(path.join(k8sDir, 'base', 'gpu-worker.yaml'), 'utf8')) as { spec: { template: { spec: Record<string, unknown> } } };
      const pod = gpu.spec.template.spec;
      pod.toleration = pod.tolerations;
      delete pod.tolerations;
      pod.terminationGracePeriodSeconds = 'five minutes';
      fs.writeFileSync(path.join(dir, 'gpu-worker.yaml'), stringify(gpu));
      fs.writeFileSync(path.join(dir, 'monitor.yaml'), stringify({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'tempered' } }));
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ resources: ['gpu-worker.yaml', 'monitor.yaml'] }));

      const result = validateManifests(renderKustomization(dir));
      assert.equal(result.ok, false);
      assert.deepEqual(result.passed, []);
      const problems = result.problems.join('\n');
      assert.match(problems, /deployment\/tempered-gpu-worker/);
      assert.match(problems, /terminationGracePeriodSeconds|toleration/);
      assert.match(problems, /PodMonitor/);

      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), stringify({ resources: ['gpu-worker.yaml', 'missing.yaml'] }));
      assert.throws(() => renderKustomization(dir), /missing\.yaml/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sets only environment variables that the code (or the AWS SDK, for AWS_*) reads', async () => {
    const ours = await glob(['src/**/*.ts', 'trainer/tempered_trainer/**/*.py'], { cwd: projectRoot, absolute: true });
    const sdk = await glob(['node_modules/@aws-sdk/*/dist-cjs/**/*.js', 'node_modules/@smithy/*/dist-cjs/**/*.js'], { cwd: projectRoot, absolute: true });
    const text = (files: string[]) => files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const code = text(ours);
    let awsSdk: string | undefined;
    for (const dir of overlays()) {
      const manifests = render(dir);
      for (const kind of WORKER_KINDS) {
        const { container } = worker(manifests, kind);
        for (const name of Object.keys(environment(manifests, container))) {
          if (name.startsWith('AWS_')) {
            awsSdk ??= text(sdk);
            assert.ok(awsSdk.includes(`"${name}"`), `${dir}: ${kind} worker sets ${name}, which the AWS SDK does not read`);
          } else {
            assert.ok(new RegExp(`\\b${name}\\b`).test(code), `${dir}: ${kind} worker sets ${name}, which nothing in src/ or trainer/ reads`);
          }
        }
      }
    }
  });

  it('refers only to ConfigMaps, Secrets and claims that are rendered or that infra/README.md tells operators to create', () => {
    const documented = operatorCreated();
    const used = new Set<string>();
    for (const dir of overlays()) {
      const manifests = render(dir);
      const defined = new Set(manifests.map((m) => `${m.kind}/${m.metadata.name}`));
      for (const kind of WORKER_KINDS) {
        for (const [ref, keys] of references(worker(manifests, kind).pod)) {
          used.add(ref);
          if (defined.has(ref)) continue;
          assert.ok(documented.has(ref), `${dir}: the ${kind} worker uses ${ref}, which is neither rendered nor in infra/README.md's table of what operators create`);
          for (const key of keys) assert.ok(documented.get(ref)!.has(key), `${dir}: the ${kind} worker reads key ${key} of ${ref}; infra/README.md does not list it`);
        }
      }
    }
    for (const ref of documented.keys()) assert.ok(used.has(ref), `infra/README.md lists ${ref}, which no worker uses`);
  });

  it('gives gpu pods more time to stop than the worker takes to hand its trainings over', () => {
    const shutdownGrace = durationInSource('src/workers/create-workers.ts', /GPU_SHUTDOWN_GRACE = '([^']+)'/);
    const trainerKillGrace = durationInSource('src/activities/trainer/trainer-process.ts', /run\.graceMs \?\? ([\d_]+)/);
    const needed = (shutdownGrace + trainerKillGrace) / 1000;
    for (const dir of ['base', ...overlays()]) {
      const manifests = render(dir);
      const { pod } = worker(manifests, 'gpu');
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      assert.ok(grace > needed, `${dir}: gpu terminationGracePeriodSeconds ${grace} must exceed the worker's ${shutdownGrace / 1000} s shutdown grace plus the trainer's ${trainerKillGrace / 1000} s kill grace`);
      const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && (m.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === worker(manifests, 'gpu').deployment.metadata.name);
      assert.ok(hpa, `${dir}: no autoscaler for the gpu worker`);
      const down = (hpa.spec as { behavior?: { scaleDown?: { stabilizationWindowSeconds?: number; policies?: { type: string; value: number; periodSeconds: number }[] } } }).behavior?.scaleDown;
      assert.ok(down?.policies?.length, `${dir}: the gpu autoscaler needs scale-down policies`);
      for (const policy of down.policies) {
        assert.ok(policy.type === 'Pods' && policy.value === 1, `${dir}: gpu scale-down should remove one pod at a time, not ${policy.value} ${policy.type}`);
        assert.ok(policy.periodSeconds > grace, `${dir}: gpu scale-down period ${policy.periodSeconds} s is shorter than one hand-over (${grace} s)`);
      }
      assert.ok((down.stabilizationWindowSeconds ?? 300) >= 1800, `${dir}: gpu scale-down should wait out gaps between trainings`);
    }
  });

  it('puts gpu workers on GPU nodes with as many training slots as GPUs', () => {
    for (const dir of overlays()) {
      const manifests = render(dir);
      const { pod, container } = worker(manifests, 'gpu');
      const requested = Number(container.resources?.requests?.['nvidia.com/gpu']);
      assert.ok(requested >= 1, `${dir}: the gpu worker requests no nvidia.com/gpu`);
      assert.equal(Number(container.resources?.limits?.['nvidia.com/gpu']), requested, `${dir}: GPU limit and request must be equal`);
      assert.equal(workerConcurrency(environment(manifests, container)).gpu, requested, `${dir}: TEMPERED_GPU_SLOTS must equal the GPUs requested`);
      assert.ok(Object.keys(pod.nodeSelector ?? {}).some((k) => k.startsWith('nvidia.com/')), `${dir}: the gpu worker selects no GPU nodes`);
      assert.ok(pod.tolerations?.some((t) => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule'), `${dir}: the gpu worker does not tolerate the nvidia.com/gpu taint`);
      for (const kind of ['control', 'cpu'] as const) {
        assert.equal(worker(manifests, kind).container.resources?.requests?.['nvidia.com/gpu'], undefined, `${dir}: the ${kind} worker should not hold a GPU`);
      }
    }
  });

  it('scales each worker on the backlog of the queue it polls, and gpu workers on the trainings they run', async () => {
    const adapter = render('prometheus-adapter').find((m) => m.kind === 'ConfigMap')!;
    const rules = (parse((adapter.data as Record<string, string>)['config.yaml']!) as { externalRules: { name: { as: string }; metricsQuery: string }[] }).externalRules;
    const exported = (await glob('src/**/*.ts', { cwd: projectRoot, absolute: true })).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const dir of overlays()) {
      const manifests = render(dir);
      const scaled = new Set<WorkerKind>();
      for (const hpa of manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler')) {
        type Metric = { type: string; external?: { metric: { name: string; selector?: { matchLabels?: Record<string, string> } }; target: { type: string; averageValue?: string } } };
        const spec = hpa.spec as { scaleTargetRef: { kind: string; name: string }; metrics: Metric[] };
        const kind = WORKER_KINDS.find((k) => worker(manifests, k).deployment.metadata.name === spec.scaleTargetRef.name);
        assert.ok(kind && spec.scaleTargetRef.kind === 'Deployment', `${dir}: ${hpa.metadata.name} scales ${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}, which is no worker Deployment`);
        scaled.add(kind);
        const env = environment(manifests, worker(manifests, kind).container);
        const names = spec.metrics.map((m) => m.external?.metric.name);
        for (const metric of spec.metrics) {
          assert.equal(metric.type, 'External', `${dir}: ${hpa.metadata.name}`);
          const name = metric.external!.metric.name;
          assert.ok(exported.includes(`name: '${name}'`), `${dir}: ${hpa.metadata.name} scales on ${name}, which no worker exports`);
          const rule = rules.find((r) => r.name.as === name);
          assert.ok(rule, `${dir}: no Prometheus adapter rule serves ${name}`);
          if (name === 'tempered_task_queue_backlog') {
            assert.equal(metric.external!.metric.selector?.matchLabels?.task_queue, taskQueues(env)[kind], `${dir}: ${hpa.metadata.name} watches another queue than its worker polls`);
            assert.match(rule.metricsQuery, /by \(task_queue\)/, 'the adapter must keep the task_queue label the autoscalers select on');
          }
        }
        assert.ok(names.includes('tempered_task_queue_backlog'), `${dir}: ${hpa.metadata.name} does not follow its queue's backlog`);
        if (kind === 'gpu') {
          const busy = spec.metrics.find((m) => m.external?.metric.name === 'tempered_gpu_slots_in_use');
          assert.ok(busy, `${dir}: the gpu autoscaler must keep a pod per running training (tempered_gpu_slots_in_use)`);
          assert.equal(Number(busy.external!.target.averageValue), workerConcurrency(env).gpu, `${dir}: one gpu pod holds TEMPERED_GPU_SLOTS trainings`);
        }
      }
      assert.deepEqual([...scaled].sort(), ['cpu', 'gpu'], `${dir}: the cpu and gpu workers each need an autoscaler`);
    }
  });

  it('gives workers settings the code accepts', () => {
    for (const dir of overlays()) {
      const manifests = render(dir);
      const settings = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('tempered-settings'));
      assert.ok(settings, `${dir}: no tempered-settings ConfigMap`);
      const env = settings.data as Record<string, string>;
      assert.equal(artifactStoreConfigFromEnv(env).kind, 's3', `${dir}: workers on several hosts need a shared store (s3://)`);
      const temporal = temporalSettings({ TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE });
      assert.ok(temporal.external && /:\d+$/.test(temporal.address), `${dir}: TEMPORAL_ADDRESS must be host:port`);
      const hardware = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith('tempered-hardware'));
      assert.ok(hardware, `${dir}: no tempered-hardware ConfigMap`);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-hardware-')), 'hardware.yaml');
      fs.writeFileSync(file, (hardware.data as Record<string, string>)['hardware.yaml']!);
      assert.doesNotThrow(() => hardwareProfiles({ TEMPERED_HARDWARE: file }));
      fs.rmSync(path.dirname(file), { recursive: true });
    }
  });

  it('runs workers as non-root on a read-only root, probed on the metrics port the worker is told to serve', () => {
    for (const dir of overlays()) {
      const manifests = render(dir);
      for (const kind of WORKER_KINDS) {
        const { pod, container } = worker(manifests, kind);
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${dir}: ${kind} worker`);
        assert.equal(container.securityContext?.readOnlyRootFilesystem, true, `${dir}: ${kind} worker`);
        assert.equal(container.securityContext?.allowPrivilegeEscalation, false, `${dir}: ${kind} worker`);
        const port = Number(environment(manifests, container).TEMPERED_METRICS_PORT);
        const named = container.ports?.find((p) => p.containerPort === port);
        assert.ok(named, `${dir}: ${kind} worker exposes no port ${port} (TEMPERED_METRICS_PORT)`);
        for (const probe of [container.livenessProbe, container.readinessProbe]) {
          assert.ok(probe?.httpGet && [port, named.name].includes(probe.httpGet.port), `${dir}: ${kind} worker's probes must use the metrics port`);
        }
      }
    }
  });
});
