import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { openArtifactStore } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import type { PipelineInput } from '../../src/pipeline/types';
import type { PipelineSpec } from '../../src/spec/schema';
import { fineTuningPipeline } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/messages';
import { useTestCatalogue } from '../support/catalogue';
import { innermost } from '../support/failures';
import { maybeRecordHistory, startTemporal, startWorkers, useTempArtifactStore, workflowBundle, type RunningWorkers } from '../support/temporal';

describe('a training sweep on a real Temporal server', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  const gpuSlots = process.env.TEMPERED_GPU_SLOTS;

  before(async () => {
    useTempArtifactStore();
    useTestCatalogue({
      // Two learning rates far apart: one learns the tiny data in 12 steps, the other barely moves.
      // Evaluation on PyTorch, the runtime for models the exporter cannot handle.
      'tiny-support-sweep': { training: { sweep: { max_parallel: 2, parameters: { learning_rate: [0.0001, 0.02] } } }, evaluation: { runtime: 'pytorch' } },
      // One trial at a time, long enough to be cancelled while it runs.
      'tiny-support-sweep-one-cancelled': { training: { max_steps: 200, eval_steps: 50, save_steps: 50, sweep: { parameters: { lora_r: [2, 4] } } } },
      // Evaluation every 100 steps never happens in 12: no trial can be ranked.
      'tiny-support-sweep-unranked': { training: { eval_steps: 100, save_steps: 100, sweep: { parameters: { lora_r: [2, 4] } } } },
    });
    // Two gpu slots, so both trials can train at once.
    process.env.TEMPERED_GPU_SLOTS = '2';
    env = await startTemporal();
    workers = await startWorkers(env);
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
    if (gpuSlots === undefined) delete process.env.TEMPERED_GPU_SLOTS;
    else process.env.TEMPERED_GPU_SLOTS = gpuSlots;
  });

  const start = (input: PipelineInput, id: string) =>
    env.client.workflow.start(fineTuningPipeline, { taskQueue: taskQueues().control, workflowId: `${id}-${Date.now()}`, args: [input] });

  it('trains each trial as a child workflow, at most max_parallel at once, and carries the best by validation loss on', async () => {
    const handle = await start({ pipeline: 'tiny-support-sweep' }, 'tiny-sweep');
    const result = await handle.result();

    const sweep = result.sweep!;
    assert.equal(sweep.strategy, 'grid');
    assert.deepEqual(sweep.trials.map((t) => [t.params.learning_rate, t.state]), [[0.0001, 'completed'], [0.02, 'completed']]);
    const losses = sweep.trials.map((t) => t.bestEvalLoss!);
    assert.ok(losses.every(Number.isFinite) && losses[0] !== losses[1], `validation losses ${losses.join(', ')}`);
    assert.equal(sweep.bestTrial, losses.indexOf(Math.min(...losses)));
    const best = sweep.trials[sweep.bestTrial]!;
    assert.equal(result.training.bestEvalLoss, best.bestEvalLoss, 'the model that goes on is the best trial\'s');
    assert.equal(result.training.steps, best.steps);
    assert.equal(result.outcome, 'deployed');

    // Each trial is its own workflow, named after the pipeline run, and the two overlapped in time.
    const runs = await Promise.all(sweep.trials.map((t) => env.client.workflow.getHandle(t.workflowId).describe()));
    assert.deepEqual(runs.map((r) => [r.type, r.status.name]), [['trainingTrial', 'COMPLETED'], ['trainingTrial', 'COMPLETED']]);
    assert.deepEqual(sweep.trials.map((t) => t.workflowId), [`${handle.workflowId}/trial-0`, `${handle.workflowId}/trial-1`]);
    assert.ok(runs[1]!.startTime < runs[0]!.closeTime!, 'with max_parallel 2 the second trial starts before the first ends');

    // The registry's lineage records the configuration the deployed model was trained with.
    const entry = await openArtifactStore().getJson<{ lineage: { spec: PipelineSpec } }>(result.modelVersion!.entry);
    assert.equal(entry.lineage.spec.training.learning_rate, best.params.learning_rate);
    assert.equal(entry.lineage.spec.training.sweep, undefined);

    const status = await handle.query(statusQuery);
    assert.equal(status.sweep?.bestTrial, sweep.bestTrial);
    assert.equal(status.estimate?.trials, 2, 'the estimate covers every trial');
    assert.equal(status.estimate?.actual?.actualSteps, 24);
    assert.equal(status.phases.find((p) => p.name === 'experiment')?.summary.trials, 2);
    assert.equal(status.phases.find((p) => p.name === 'experiment')?.summary.evaluationRuntime, 'pytorch');
    assert.equal((await openArtifactStore().getJson<{ runtime: string }>(status.arms!.rows[1]!.report)).runtime, 'pytorch');

    const bundle = await workflowBundle();
    await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory(), handle.workflowId);
    await Worker.runReplayHistory({ workflowBundle: bundle }, await env.client.workflow.getHandle(best.workflowId).fetchHistory(), best.workflowId);
    await maybeRecordHistory('pipeline-sweep', env, handle.workflowId);
    await maybeRecordHistory('training-trial', env, best.workflowId);
  });

  it('records a trial cancelled on its own as failed and carries on with the others', async () => {
    const handle = await start({ pipeline: 'tiny-support-sweep-one-cancelled' }, 'tiny-sweep-one-cancelled');
    const first = env.client.workflow.getHandle(`${handle.workflowId}/trial-0`);
    for (let i = 0; ; i++) {
      const running = await first.describe().then((d) => d.status.name === 'RUNNING', () => false);
      if (running) break;
      if (i > 300) assert.fail('trial 0 never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    await first.cancel();
    const result = await handle.result();
    assert.deepEqual(
      result.sweep!.trials.map((t) => [t.state, t.error]),
      [['failed', 'cancelled'], ['completed', null]],
    );
    assert.equal(result.sweep!.bestTrial, 1);
    assert.equal((await first.describe()).status.name, 'CANCELLED');
    assert.equal(result.outcome, 'deployed');
  });

  it('fails the pipeline before evaluation, naming each trial, when no trial can be ranked', async () => {
    const handle = await start({ pipeline: 'tiny-support-sweep-unranked' }, 'tiny-sweep-unranked');
    const err = await handle.result().catch((e) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const cause = innermost(err);
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'SweepFailed');
    assert.match(cause.message, /trial 0 \(lora_r=2\): no validation loss after 12 steps \(evaluation runs every 100\)/);
    assert.match(cause.message, /trial 1 \(lora_r=4\)/);
    const status = await handle.query(statusQuery);
    assert.equal(status.phases.find((p) => p.name === 'evaluation')?.state, 'pending');
  });
});
