import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIndex, registerModel, type RegisterInput } from '../../src/activities/deployment/registry';
import { openArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { loadSpecFile } from '../../src/spec/load';
import { SEAWEEDFS_CREDENTIALS, SEAWEEDFS_REGION, startSeaweedFs, type SeaweedFs } from '../support/seaweedfs';

/** A registration of the demo pipeline, with every artifact stored in `store`. */
async function approvedRun(store: ArtifactStore): Promise<RegisterInput> {
  const ref = (text: string) => store.putBytes(text);
  const evaluation = {
    model: 'fine-tuned' as const,
    samples: 3,
    metrics: { accuracy: 1, token_f1: 1, response_time: 1, consistency: 1, loss: 1, perplexity: Math.E },
    predictions: await ref('predictions'),
    report: await ref('report'),
  };
  return {
    spec: loadSpecFile('customer-support-demo').spec,
    specHash: 'a'.repeat(64),
    data: {
      train: await ref('train'),
      validation: await ref('validation'),
      test: await ref('test'),
      report: await ref('data report'),
      audit: await ref('audit'),
      counts: {
        collected: 3,
        kept: 3,
        redacted: 0,
        train: 1,
        validation: 1,
        test: 1,
        dropped: { low_satisfaction: 0, incomplete: 0, duplicate: 0, near_duplicate: 0, superseded: 0, skipped: 0 },
      },
      scores: { completeness: 1, consistency: 1, accuracy: 1, duplicate_rate: 0, distinct_2: 1, category_balance: 1, largest_cluster_share: 0, contamination: 0 },
      categories: {},
      cached: false,
    },
    training: { model: await ref('adapter v1'), steps: 1, trainLoss: 1, finalLoss: 1, bestEvalLoss: 1, bestStep: 1, earlyStopped: false, resumedFromStep: null, runtimeS: 1 },
    evaluation,
    baseline: { ...evaluation, model: 'base' },
    gate: { passed: true, checks: [], evidence: await ref('evidence') },
    approval: { decision: 'approved', by: 'ana', mode: 'human', at: '2026-01-01T00:00:00.000Z', evidence: await ref('evidence') },
  };
}

async function withModel(input: RegisterInput, store: ArtifactStore, adapter: string): Promise<RegisterInput> {
  return { ...input, training: { ...input.training, model: await store.putBytes(adapter) } };
}

/** What must hold whichever store the registry lives in, when registrations race. */
function describeConcurrentRegistration(openStore: () => ArtifactStore): void {
  let store: ArtifactStore;
  let input: RegisterInput;

  beforeEach(async function () {
    store = openStore();
    input = await approvedRun(store);
  });

  it('gives 5 concurrent registrations of different models distinct versions, all kept in the index', async function () {
    const runs = await Promise.all([1, 2, 3, 4, 5].map((i) => withModel(input, store, `adapter ${i}`)));
    const versions = await Promise.all(runs.map((run) => registerModel(run, store)));
    assert.deepEqual(versions.map((v) => v.version).sort(), [1, 2, 3, 4, 5]);
    const index = await readIndex(store, input.spec.name);
    assert.deepEqual(
      index.versions.map((v) => v.model.sha256).sort(),
      runs.map((run) => run.training.model.sha256).sort(),
    );
    for (const v of versions) {
      const entry = await store.getJson<{ version: number; model: { sha256: string } }>(v.entry);
      assert.deepEqual([entry.version, entry.model.sha256], [v.version, v.model.sha256], 'each entry names its own version');
    }
    const stages = index.versions.map((v) => `v${v.version} ${v.stage}`).sort();
    assert.deepEqual(stages, ['v1 archived', 'v2 archived', 'v3 archived', 'v4 archived', 'v5 production']);
  });

  it('gives concurrent registrations of the same model (a retried activity racing itself) one version', async function () {
    const versions = await Promise.all([1, 2, 3].map(() => registerModel(input, store)));
    for (const v of versions) assert.deepEqual(v, versions[0]);
    assert.equal((await readIndex(store, input.spec.name)).versions.length, 1);
  });
}

describe('model registry', () => {
  let store: ArtifactStore;
  let input: RegisterInput;
  const dirs: string[] = [];
  const openLocalStore = (): ArtifactStore => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
    dirs.push(dir);
    return openArtifactStore({ kind: 'local', dir });
  };

  beforeEach(async () => {
    store = openLocalStore();
    input = await approvedRun(store);
  });

  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers an approved model as the production version, with its lineage', async () => {
    const version = await registerModel(input, store);
    assert.deepEqual([version.version, version.stage], [1, 'production']);
    const entry = await store.getJson<{ lineage: { approval: { by: string }; data: { test: { sha256: string } } } }>(version.entry);
    assert.equal(entry.lineage.approval.by, 'ana');
    assert.equal(entry.lineage.data.test.sha256, input.data.test.sha256);
  });

  it('returns the existing version when the same model is registered again, as a retried activity does', async () => {
    const first = await registerModel(input, store);
    const again = await registerModel(input, store);
    assert.deepEqual(again, first);
    assert.equal((await readIndex(store, input.spec.name)).versions.length, 1);
  });

  it('archives the previous production version when a new model is registered', async () => {
    await registerModel(input, store);
    const second = await registerModel(await withModel(input, store, 'adapter v2'), store);
    assert.equal(second.version, 2);
    const stages = (await readIndex(store, input.spec.name)).versions.map((v) => `v${v.version} ${v.stage}`);
    assert.deepEqual(stages, ['v1 archived', 'v2 production']);
  });

  describe('on the local store, when registrations race', () => {
    describeConcurrentRegistration(openLocalStore);
  });

  describe('on S3 (SeaweedFS), when registrations race', function () {
    this.timeout(60_000);
    let server: SeaweedFs;

    before(async function () {
      this.timeout(120_000);
      server = await startSeaweedFs();
    });

    after(async function () {
      await server?.stop();
    });

    describeConcurrentRegistration(() =>
      openArtifactStore({
        kind: 's3',
        bucket: server.bucket,
        prefix: `registry-${randomBytes(6).toString('hex')}`,
        endpoint: server.endpoint,
        region: SEAWEEDFS_REGION,
        credentials: SEAWEEDFS_CREDENTIALS,
      }),
    );
  });
});
