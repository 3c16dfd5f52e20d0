import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readIndex, registerModel, type RegisterInput } from '../../src/activities/deployment/registry';
import { openArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { promoteIn, RegistryError, rollbackIn, startAbTestIn, updateIndex, type RegistryIndex } from '../../src/registry/model-registry';
import { approvedRun, withModel } from '../support/registrations';
import { SEAWEEDFS_CREDENTIALS, SEAWEEDFS_REGION, startSeaweedFs, type SeaweedFs } from '../support/seaweedfs';

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

  const stages = async () => (await readIndex(store, input.spec.name)).versions.map((v) => `v${v.version} ${v.stage}`);
  const update = <T>(change: (index: RegistryIndex) => T) => updateIndex(store, input.spec.name, change);

  it('registers a candidate for an A/B test in staging, leaving production serving, and promotion archives the old version', async function () {
    await registerModel(input, store);
    const candidate = await registerModel({ ...(await withModel(input, store, 'adapter v2')), rollout: 'ab-test' }, store);
    assert.deepEqual([candidate.version, candidate.stage], [2, 'staging']);
    assert.deepEqual(candidate.abTest && [candidate.abTest.control, candidate.abTest.treatment, candidate.abTest.workflowId], [1, 2, 'abtest-customer-support-demo-v2']);
    assert.deepEqual(await stages(), ['v1 production', 'v2 staging']);
    const running = (await readIndex(store, input.spec.name)).abTest;
    assert.equal(running?.treatmentShare, input.spec.deployment.ab_test.treatment_share);
    assert.deepEqual(running?.config, input.spec.deployment.ab_test, 'the test decides by the pipeline file\'s settings, kept in the registry');

    await update((index) => promoteIn(index, 2, { by: 'ana', reason: 'looks good' }));
    assert.deepEqual(await stages(), ['v1 archived', 'v2 production']);
    const index = await readIndex(store, input.spec.name);
    assert.equal(index.abTest, null, 'promoting the treatment ends its test');
    assert.deepEqual(index.versions[1]!.history.map((h) => `${h.stage} by ${h.by}`), ['candidate by pipeline', 'staging by pipeline', 'production by ana']);
  });

  it('keeps a candidate that arrives during another version\'s A/B test, leaving that test and production as they are', async function () {
    await registerModel(input, store);
    await registerModel({ ...(await withModel(input, store, 'adapter v2')), rollout: 'ab-test' }, store);
    const late = await registerModel({ ...(await withModel(input, store, 'adapter v3')), rollout: 'ab-test' }, store);
    assert.deepEqual([late.version, late.stage, late.abTest], [3, 'candidate', undefined]);
    assert.deepEqual(late.waitingFor && [late.waitingFor.control, late.waitingFor.treatment], [1, 2]);
    assert.deepEqual(await stages(), ['v1 production', 'v2 staging', 'v3 candidate']);
    assert.equal((await readIndex(store, input.spec.name)).abTest?.treatment, 2, 'the running test goes on');
    // Once that test has ended, the candidate can be promoted.
    await update((index) => promoteIn(index, 2, { by: 'ana', reason: 'won its test' }));
    await update((index) => promoteIn(index, 3, { by: 'ana', reason: 'retrained on more data' }));
    assert.deepEqual(await stages(), ['v1 archived', 'v2 archived', 'v3 production']);
  });

  it('refuses an A/B test of the production version against itself, leaving the registry as it was', async function () {
    await registerModel(input, store);
    const config = input.spec.deployment.ab_test;
    await assert.rejects(
      update((index) => startAbTestIn(index, 1, config, { by: 'ana', reason: 'again' })),
      (err: Error) => err instanceof RegistryError && /v1 is in production: test another version against it/.test(err.message),
    );
    assert.deepEqual(await stages(), ['v1 production']);
    assert.equal((await readIndex(store, input.spec.name)).abTest, null);
  });

  it('rolls back to the previous production version, and again to the one before, until none is left', async function () {
    for (const adapter of ['adapter v1', 'adapter v2', 'adapter v3']) await registerModel(await withModel(input, store, adapter), store);
    assert.deepEqual(await stages(), ['v1 archived', 'v2 archived', 'v3 production']);
    const first = await update((index) => rollbackIn(index, { by: 'ana', reason: 'complaints' }));
    assert.deepEqual([first.from.version, first.to.version], [3, 2]);
    assert.deepEqual(await stages(), ['v1 archived', 'v2 production', 'v3 archived']);
    await update((index) => rollbackIn(index, { by: 'ana', reason: 'still bad' }));
    assert.deepEqual(await stages(), ['v1 production', 'v2 archived', 'v3 archived']);
    await assert.rejects(update((index) => rollbackIn(index, { by: 'ana', reason: 'no' })), /v1 is the only version that was ever in production: nothing to roll back to/);
    const v3 = (await readIndex(store, input.spec.name)).versions[2]!;
    assert.match(v3.history.at(-1)!.reason, /^rolled back: complaints$/);
  });

  it('refuses to promote a version that does not exist, naming the ones that do', async function () {
    await registerModel(input, store);
    await assert.rejects(update((index) => promoteIn(index, 9, { by: 'ana', reason: 'typo' })), /customer-support-demo has no version 9 \(registered: v1\)/);
  });

  it('applies a promotion and a rollback that race each other one after the other, never losing either', async function () {
    for (const adapter of ['adapter v1', 'adapter v2', 'adapter v3']) await registerModel(await withModel(input, store, adapter), store);
    await Promise.all([update((index) => promoteIn(index, 1, { by: 'bo', reason: 'race' })), update((index) => rollbackIn(index, { by: 'ana', reason: 'race' }))]);
    const index = await readIndex(store, input.spec.name);
    const changes = index.versions.flatMap((v) => v.history.filter((h) => h.reason.includes('race') || h.reason.startsWith('restored') || h.reason.startsWith('replaced')));
    assert.ok(changes.some((h) => h.by === 'bo') && changes.some((h) => h.by === 'ana'), 'both writers changed the index');
    assert.equal(index.versions.filter((v) => v.stage === 'production').length, 1, 'exactly one version in production');
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
