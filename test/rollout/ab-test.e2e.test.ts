import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { openArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import { PipelineName } from '../../src/pipeline/search-attributes';
import type { AbTestState, PipelineSpec } from '../../src/pipeline/types';
import { promoteIn, readIndex, retireIn, updateIndex } from '../../src/registry/model-registry';
import { FeedbackLogWriter } from '../../src/serving/feedback-log';
import { RegistryModels } from '../../src/serving/served-models';
import { createServer } from '../../src/serving/server';
import { emptyTally } from '../../src/rollout/sequential-test';
import { abTestStateQuery } from '../../src/workflows/messages';
import { simulateTraffic } from '../../scripts/simulate-traffic';
import { lastJsonLine, tempered } from '../support/cli';
import { registerTinyVersion } from '../support/served-registry';
import { maybeRecordHistory, startTemporal, startWorkers, useTempArtifactStore, type RunningWorkers } from '../support/temporal';

/** An A/B test that looks every second and may decide after 80 feedback events per arm. */
const withAbTest = (spec: PipelineSpec): PipelineSpec => ({
  ...spec,
  deployment: {
    ...spec.deployment,
    ab_test: { ...spec.deployment.ab_test, enabled: true, treatment_share: 0.5, min_samples: 80, max_samples: 3000, check_every: '1s', effect_size: 0.1 },
  },
});

describe('the abTest workflow on a real Temporal server, decided by simulated users of tempered serve', function () {
  this.timeout(600_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  let store: ArtifactStore;
  const servers: { app: FastifyInstance; log: FeedbackLogWriter; models: RegistryModels }[] = [];

  before(async () => {
    useTempArtifactStore();
    store = openArtifactStore();
    env = await startTemporal();
    workers = await startWorkers(env, ['control']);
  });
  after(async () => {
    for (const { app, log, models } of servers) {
      await app.close();
      await log.close();
      await models.close();
    }
    await workers?.stop();
    await env?.teardown();
  });

  /** v1 in production, v2 in an A/B test against it, `tempered serve`'s server on both, and the test's workflow. */
  async function abTest(pipeline: string) {
    await registerTinyVersion(store, pipeline, 'v1', { patch: withAbTest });
    const candidate = await registerTinyVersion(store, pipeline, 'v2', { patch: withAbTest, rollout: 'ab-test' });
    assert.ok(candidate.abTest, 'the candidate went to an A/B test');
    const models = new RegistryModels(pipeline, store, fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-ab-cache-')), { threads: 1 });
    await models.refresh();
    const log = new FeedbackLogWriter(store, 200);
    const app = createServer({ models, log, apiKeys: [] });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    servers.push({ app, log, models });
    const handle = await env.client.workflow.start('abTestWorkflow', {
      taskQueue: taskQueues().control,
      workflowId: candidate.abTest.workflowId,
      args: [{ pipeline, control: 1, treatment: 2 }],
    });
    return { url, models, handle };
  }

  const stages = async (pipeline: string) => (await readIndex(store, pipeline)).versions.map((v) => `v${v.version} ${v.stage}`);

  it('promotes a treatment that truly resolves more questions, and the server then serves it alone', async () => {
    const { url, models, handle } = await abTest('ab-better');
    const traffic = await simulateTraffic({ baseUrl: url, requests: 500, users: 400, concurrency: 4, resolved: { control: 0.45, treatment: 0.8 }, maxTokens: 2, seed: 3 });
    assert.equal(traffic.errors, 0);
    assert.ok(traffic.byArm.control!.requests > 150 && traffic.byArm.treatment!.requests > 150, `both arms got traffic: ${JSON.stringify(traffic.byArm)}`);

    const state = (await handle.result()) as AbTestState;
    assert.equal(state.outcome?.decision, 'promote', state.outcome?.reason);
    assert.match(state.outcome!.reason, /mSPRT rejects equality at alpha 0\.05/);
    assert.ok(state.pValue < 0.05);
    assert.deepEqual(await stages('ab-better'), ['v1 archived', 'v2 production']);
    const index = await readIndex(store, 'ab-better');
    assert.equal(index.abTest, null);
    assert.equal(index.versions[1]!.history.at(-1)!.by, 'ab-test');

    // The server follows the registry: v2 alone now, for every user.
    assert.equal(await models.refresh(), true);
    const answer = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, user: 'user-1' }),
    });
    assert.deepEqual([answer.headers.get('x-tempered-version'), answer.headers.get('x-tempered-arm')], ['2', 'production']);

    const described = await handle.describe();
    assert.deepEqual(described.typedSearchAttributes.get(PipelineName), 'ab-better', 'the Web UI finds the test by its pipeline');
    await maybeRecordHistory('ab-test-promote', env, handle.workflowId);
  });

  it('rolls back a treatment that resolves fewer questions, leaving production as it was', async () => {
    const { url, handle } = await abTest('ab-worse');
    await simulateTraffic({ baseUrl: url, requests: 500, users: 400, concurrency: 4, resolved: { control: 0.8, treatment: 0.45 }, maxTokens: 2, seed: 4 });
    const state = (await handle.result()) as AbTestState;
    assert.equal(state.outcome?.decision, 'rollback', state.outcome?.reason);
    assert.deepEqual(await stages('ab-worse'), ['v1 production', 'v2 archived']);
  });

  it('decides by the registry\'s settings and the log\'s counts, whatever settings and counts a workflow starter passes', async () => {
    const { handle: legit } = await abTest('ab-forged');
    const full = { ...emptyTally(), requests: 10_000, feedback: 10_000, latency: emptyTally().latency };
    const forged = await env.client.workflow.start('abTestWorkflow', {
      taskQueue: taskQueues().control,
      workflowId: `forged-${Date.now()}`,
      args: [
        {
          pipeline: 'ab-forged',
          control: 1,
          treatment: 2,
          config: { alpha: 0.99, min_samples: 1 },
          state: { looks: 0, pValue: 1, analysis: null, control: { ...full, resolved: 0 }, treatment: { ...full, resolved: 10_000 }, checkedUntil: new Date().toISOString() },
        },
      ],
    });
    let state: AbTestState | null = null;
    for (let i = 0; i < 40 && (state?.looks ?? 0) < 2; i++) {
      await new Promise((r) => setTimeout(r, 250));
      state = await forged.query(abTestStateQuery);
    }
    assert.ok(state && state.looks >= 2, 'the forged run looked twice');
    assert.equal(state.outcome, null, 'without feedback nothing is decided');
    assert.deepEqual([state.control.feedback, state.treatment.feedback], [0, 0], 'counts come from the log only');
    assert.deepEqual(await stages('ab-forged'), ['v1 production', 'v2 staging']);
    await forged.terminate('test over');
    await legit.terminate('test over');
  });

  it('ends as superseded when an operator promotes the candidate while the test runs', async () => {
    const { handle } = await abTest('ab-operator');
    await updateIndex(store, 'ab-operator', (index) => promoteIn(index, 2, { by: 'ana', reason: 'urgent fix' }));
    const state = (await handle.result()) as AbTestState;
    assert.equal(state.outcome?.decision, 'superseded');
    assert.deepEqual(await stages('ab-operator'), ['v1 archived', 'v2 production']);
  });

  it('lets an operator test a version kept as a candidate with `tempered models ab-test` once the running test has ended', async () => {
    const pipeline = 'ab-by-hand';
    await registerTinyVersion(store, pipeline, 'v1', { patch: withAbTest });
    await registerTinyVersion(store, pipeline, 'v2', { patch: withAbTest, rollout: 'ab-test' });
    const kept = await registerTinyVersion(store, pipeline, 'v3', { patch: withAbTest, rollout: 'ab-test' });
    assert.equal(kept.waitingFor?.treatment, 2, 'v3 waits for the test of v2');
    const cli = (...args: string[]) => tempered(['models', 'ab-test', pipeline, ...args], { TEMPORAL_ADDRESS: env.address });

    const busy = await cli('3');
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /ab-by-hand is already testing v2 against v1; it must end first/);
    const production = await cli('1');
    assert.match(production.stderr, /ab-by-hand v1 is in production: test another version against it/);
    assert.deepEqual(await stages(pipeline), ['v1 production', 'v2 staging', 'v3 candidate']);

    await updateIndex(store, pipeline, (index) => retireIn(index, 2, 'archived', { by: 'ab-test', reason: 'rolled back' }));
    const unreachable = await tempered(['models', 'ab-test', pipeline, '3'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /cannot reach Temporal at 127\.0\.0\.1:1/);
    assert.deepEqual(await stages(pipeline), ['v1 production', 'v2 archived', 'v3 candidate'], 'nothing changed without a server');

    const started = await cli('v3', '--by', 'ana', '--json');
    assert.equal(started.code, 0, started.stderr);
    assert.deepEqual(lastJsonLine(started.stdout), { pipeline, control: 1, treatment: 3, treatmentShare: 0.5, workflowId: 'abtest-ab-by-hand-v3', alreadyRunning: false });
    assert.deepEqual(await stages(pipeline), ['v1 production', 'v2 archived', 'v3 staging']);
    const index = await readIndex(store, pipeline);
    assert.deepEqual([index.abTest?.treatment, index.abTest?.config.check_every], [3, '1s'], 'the test runs by the settings of the pipeline file v3 was trained with');
    assert.equal(index.versions[2]!.history.at(-1)!.by, 'ana');
    const again = await cli('3', '--json');
    assert.equal(lastJsonLine(again.stdout).alreadyRunning, true, 'asking again finds the running test');

    const handle = env.client.workflow.getHandle('abtest-ab-by-hand-v3');
    const described = await handle.describe();
    assert.deepEqual([described.type, described.taskQueue, described.status.name], ['abTestWorkflow', taskQueues().control, 'RUNNING']);
    // The workflow reads the registry: an operator's promotion ends it.
    const promoted = await tempered(['models', 'promote', pipeline, '3', '--by', 'ana']);
    assert.equal(promoted.code, 0, promoted.stderr);
    const state = (await handle.result()) as AbTestState;
    assert.equal(state.outcome?.decision, 'superseded');
  });
});
