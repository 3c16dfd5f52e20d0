import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TrainingProgress } from '../../src/activities/experiment/fine-tune';
import { taskQueues } from '../../src/config/queues';
import type { ArtifactRef, PipelineResult } from '../../src/pipeline/types';
import { fineTuningPipeline } from '../../src/workflows';
import { waitFor } from '../experiment/processes';
import { useTestCatalogue } from '../support/catalogue';
import { NetworkLab } from './lab-control';
import { HOST_DISK, SERVER_ADDRESS } from './lab-protocol';
import { storedCheckpointSteps } from './stored-checkpoints';
import { ARTIFACTS_PREFIX, BUCKET, HOST_PIPELINES, S3_PORT, TEMPORAL_PORT, TemperedCluster } from './tempered-cluster';

const PIPELINE = 'tiny-multihost';
const STEPS = 400;
const SAVE_STEPS = 200;
/**
 * The tiny model trains at about 10 steps a second here (20 on an idle machine), and the server hears the progress every 5 s (the worker's
 * heartbeat throttle): a checkpoint every 200 steps always leaves a heartbeat between two checkpoints with steps
 * to spare to cut the host before the next. A heartbeat timeout of 20 s rather than 8: on two busy cores the
 * ONNX export of the base model can hold the trainer's liveness thread for longer than 8 s.
 */
const RESUMABLE = {
  training: { max_steps: STEPS, save_steps: SAVE_STEPS, eval_steps: SAVE_STEPS, gradient_accumulation_steps: 2, heartbeat_timeout: '20s', early_stopping: { patience: 0 } },
};
/** Steps the trainer may take between the heartbeat the test sees and the cut: about 2 s. */
const CUT_MARGIN_STEPS = 40;
const WORKER_HOSTS = ['control', 'cpu', 'gpu-a', 'gpu-b'] as const;
const hostProbe = path.join(__dirname, 'host-probe.js');

/** What a host sees of files and reaches of addresses (host-probe.ts), probed on the host. */
async function probe(lab: NetworkLab, host: string, read: string[], connect: string[]): Promise<{ read: Record<string, string>; connect: Record<string, string> }> {
  const run = await lab.exec(host, [process.execPath, hostProbe, JSON.stringify({ read, connect })], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  assert.equal(run.code, 0, `probe on ${host}: ${run.stderr}`);
  return JSON.parse(run.stdout) as { read: Record<string, string>; connect: Record<string, string> };
}

/** The fine-tune activity's last heartbeat as the server has it, while the activity is pending. */
async function trainingProgress(handle: WorkflowHandle): Promise<TrainingProgress | undefined> {
  const { raw } = await handle.describe();
  const payload = raw.pendingActivities?.find((a) => a.activityType?.name === 'fineTune')?.heartbeatDetails?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<TrainingProgress>(payload) : undefined;
}

/** The hostnames of the workers whose attempts of each activity type ended the activity, from the history. */
async function finishingHosts(handle: WorkflowHandle): Promise<Map<string, { host: string; attempt: number }[]>> {
  const events = (await handle.fetchHistory()).events ?? [];
  const typeOf = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType!.name!]));
  const hosts = new Map<string, { host: string; attempt: number }[]>();
  for (const started of events.map((e) => e.activityTaskStartedEventAttributes).filter((a) => a != null)) {
    const type = typeOf.get(String(started.scheduledEventId))!;
    // A worker's identity is <pid>@<hostname>, and every lab host has a hostname of its own.
    const entry = { host: started.identity!.slice(started.identity!.indexOf('@') + 1), attempt: started.attempt! };
    hosts.set(type, [...(hosts.get(type) ?? []), entry]);
  }
  return hosts;
}

describe('Tempered across hosts', function () {
  this.timeout(600_000);
  let lab: NetworkLab | undefined;
  let cluster: TemperedCluster | undefined;
  let catalogue: string | undefined;
  const savedEnv = { ...process.env };

  before(async () => {
    lab = await NetworkLab.start();
    catalogue = useTestCatalogue({ [PIPELINE]: RESUMABLE });
    for (const host of WORKER_HOSTS) {
      await lab.addHost(host);
      fs.mkdirSync(path.join(lab.diskOf(host), 'pipelines'));
      fs.copyFileSync(path.join(catalogue, `${PIPELINE}.yaml`), path.join(lab.diskOf(host), 'pipelines', `${PIPELINE}.yaml`));
      fs.writeFileSync(path.join(lab.diskOf(host), 'owner'), host);
    }
    cluster = await TemperedCluster.start(lab);
  });
  after(async () => {
    await cluster?.close();
    await lab?.close();
    if (catalogue) fs.rmSync(catalogue, { recursive: true, force: true });
    process.env = savedEnv;
  });

  it('gives each host its own disk, and reaches the servers over the LAN only', async () => {
    for (const host of WORKER_HOSTS) {
      const others = WORKER_HOSTS.filter((h) => h !== host).map((h) => path.join(lab!.diskOf(h), 'owner'));
      const local = [`127.0.0.1:${TEMPORAL_PORT}`, `127.0.0.1:${S3_PORT}`];
      const lan = [`${SERVER_ADDRESS}:${TEMPORAL_PORT}`, `${SERVER_ADDRESS}:${S3_PORT}`];
      const seen = await probe(lab!, host, [`${HOST_DISK}/owner`, `${HOST_PIPELINES}/${PIPELINE}.yaml`, ...others], [...local, ...lan]);
      assert.equal(seen.read[`${HOST_DISK}/owner`], host, `${host} sees its own disk`);
      assert.match(seen.read[`${HOST_PIPELINES}/${PIPELINE}.yaml`]!, new RegExp(`name: ${PIPELINE}`), `${host} has its own copy of the catalogue`);
      for (const other of others) assert.equal(seen.read[other], 'ENOENT', `${host} cannot see ${other}`);
      for (const target of local) assert.equal(seen.connect[target], 'ECONNREFUSED', `${host} finds no server at ${target}`);
      for (const target of lan) assert.equal(seen.connect[target], 'connected', `${host} reaches ${target}`);
    }
  });

  it('finishes a training on another gpu host, from the last checkpoint in S3, when its host is cut off', async () => {
    await cluster!.startWorker('control', 'control');
    await cluster!.startWorker('cpu', 'cpu');
    const gpuAWorker = await cluster!.startWorker('gpu-a', 'gpu');
    const logs: [string, string][] = [['control', 'control-worker'], ['cpu', 'cpu-worker'], ['gpu-a', 'gpu-worker']];
    const handle = await cluster!.client.workflow.start(fineTuningPipeline, {
      taskQueue: taskQueues().control,
      workflowId: `multi-host-${Date.now()}`,
      args: [{ pipeline: PIPELINE }],
    });

    const checkpointed = waitFor(
      async () => {
        const progress = await trainingProgress(handle);
        const last = progress?.checkpointStep ?? 0;
        return progress && last > 0 && progress.step > last && progress.step <= last + SAVE_STEPS - CUT_MARGIN_STEPS ? progress : undefined;
      },
      300_000,
      'gpu-a to store a checkpoint and train past it',
    );
    const before = await lab!.withLogs(checkpointed, logs);
    const onGpuA = (await lab!.processes()).filter((p) => p.host === 'gpu-a');
    const trainer = onGpuA.find((p) => p.ppid === gpuAWorker && p.argv.includes('tempered_trainer') && p.argv.includes('train'));
    assert.ok(trainer, `gpu-a's worker runs the trainer: ${onGpuA.map((p) => p.argv.join(' ')).join('; ')}`);
    await lab!.setLink('gpu-a', false);
    const servers = [`${SERVER_ADDRESS}:${TEMPORAL_PORT}`, `${SERVER_ADDRESS}:${S3_PORT}`];
    assert.deepEqual(Object.values((await probe(lab!, 'gpu-a', [], servers)).connect), ['ENETUNREACH', 'ENETUNREACH'], 'gpu-a is cut off');

    // Nothing more can reach S3 from gpu-a: what is stored now is all it uploaded.
    const stored = await storedCheckpointSteps(cluster!.s3, before.checkpoint!);
    assert.equal(Math.max(...stored), before.checkpointStep, `the last checkpoint in S3 is the one the server heard of (stored: ${stored.join(', ')})`);

    await cluster!.startWorker('gpu-b', 'gpu');
    logs.push(['gpu-b', 'gpu-worker']);
    const result: PipelineResult = await lab!.withLogs(handle.result(), logs);
    assert.equal(result.training.resumedFromStep, before.checkpointStep, 'resumed from the last checkpoint gpu-a uploaded');
    assert.equal(result.training.steps, STEPS);
    assert.equal(result.outcome, 'deployed');

    const hosts = await finishingHosts(handle);
    assert.deepEqual(hosts.get('exportBaseModel')?.map((a) => a.host), ['gpu-a'], 'the base model was exported on gpu-a, before the cut');
    const training = hosts.get('fineTune')!;
    assert.equal(training.length, 1);
    assert.equal(training[0]!.host, 'gpu-b', 'the training ended on gpu-b');
    assert.ok(training[0]!.attempt >= 2, `a retry finished the training (attempt ${training[0]!.attempt})`);
    assert.deepEqual(hosts.get('exportModel')?.map((a) => a.host), ['gpu-b']);
    assert.deepEqual([...new Set(hosts.get('prepareData')?.map((a) => a.host))], ['cpu']);

    const parts = Object.entries(result.exports ?? {}).filter((entry): entry is [string, ArtifactRef] => entry[1] != null);
    assert.deepEqual(parts.map(([name]) => name).sort(), ['adapter', 'lineage', 'merged', 'onnx', 'onnxQuantized']);
    for (const [name, ref] of parts) {
      assert.ok(ref.uri.startsWith(`s3://${BUCKET}/${ARTIFACTS_PREFIX}/sha256/`), `${name}: ${ref.uri}`);
      const head = await cluster!.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: ref.uri.slice(`s3://${BUCKET}/`.length) }));
      assert.equal(head.ContentLength, ref.size, `${name} is stored in S3 whole`);
    }

    // Cut off, gpu-a's worker never hears that the server gave the training to gpu-b. Its SDK gives the attempt up
    // on its own once no heartbeat got through for the heartbeat timeout, and cancels it: the trainer is told to
    // stop, cannot store the checkpoint it takes on stopping, and is killed when the worker's grace period ends.
    const trainerGone = waitFor(async () => !(await lab!.processes()).some((p) => p.pid === trainer.pid && p.state !== 'Z'), 240_000, `gpu-a's trainer ${trainer.pid} to stop`);
    await lab!.withLogs(trainerGone, [['gpu-a', 'gpu-worker']]);
    const worker = (await lab!.processes()).find((p) => p.pid === gpuAWorker);
    assert.ok(worker && worker.state !== 'Z', 'the gpu-a worker itself still runs: its host was cut off, not stopped');
  });
});
