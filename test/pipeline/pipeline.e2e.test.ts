import assert from 'node:assert/strict';
import path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readIndex, registerModel } from '../../src/activities/deployment/registry';
import { openArtifactStore, type ArtifactRef } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import { PipelineName, PipelinePhase } from '../../src/pipeline/search-attributes';
import type { PipelineInput } from '../../src/pipeline/types';
import { loadSpecFile } from '../../src/spec/load';
import { fineTuningPipeline, monitoringWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/messages';
import { tinySpecFile, useTestCatalogue } from '../support/catalogue';
import { innermost } from '../support/failures';
import { approvedRun } from '../support/registrations';
import { fixtures, maybeRecordHistory, startTemporal, startWorkers, useTempArtifactStore, workflowBundle, type RunningWorkers } from '../support/temporal';

describe('fineTuningPipeline on a real Temporal server', function () {
  this.timeout(240_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;

  before(async () => {
    useTempArtifactStore();
    useTestCatalogue({
      'tiny-support-bad-data': { data: { sources: [{ type: 'chat_logs', path: path.join(fixtures, 'bad-data', 'chat-malformed.jsonl') }] } },
      // The model builder's int4 graph this time, base and fine-tuned.
      // And general questions outside the support domain, with a drop limit no model can miss (a drop is at most 100%).
      'tiny-support-arms': {
        evaluation: { runtime: 'onnx-genai', retrieval: { arms: true, k: 2 }, out_of_domain: { path: path.join(fixtures, 'forgetting', 'general-held-out.jsonl'), max_samples: 5, max_relative_drop: 1 } },
        export: { merged: false, onnx: false, onnx_quantized: false, onnx_genai: true },
        // Rolled out by an A/B test against the production version the test registers first.
        deployment: { ab_test: { enabled: true, treatment_share: 0.2 } },
      },
    });
    env = await startTemporal();
    workers = await startWorkers(env);
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
  });

  const start = (input: PipelineInput, id: string) =>
    env.client.workflow.start(fineTuningPipeline, { taskQueue: taskQueues().control, workflowId: `${id}-${Date.now()}`, args: [input] });

  /** The history of a finished run must replay on the current code: a non-deterministic change fails here. */
  const replay = async (handle: { fetchHistory(): Promise<unknown> }) =>
    Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory());

  it('runs all six phases on the tiny model and deploys a registered, monitored version', async () => {
    // A loop already watching v1 (as after a rerun that registered the same model) is kept, not duplicated.
    const existingMonitor = await env.client.workflow.start(monitoringWorkflow, {
      taskQueue: taskQueues().control,
      workflowId: 'monitor-tiny-support-v1',
      args: [{ pipeline: 'tiny-support', modelVersion: 1, retrainInput: { pipeline: 'tiny-support' }, monitoring: loadSpecFile(tinySpecFile).spec.monitoring, queues: taskQueues() }],
    });
    const handle = await start({ pipeline: 'tiny-support' }, 'tiny-auto');
    const result = await handle.result();

    assert.equal(result.outcome, 'deployed');
    assert.equal(result.plan.approach, 'fine-tuning');
    const d = result.data;
    assert.ok(d.dropped.low_satisfaction > 0, 'dialogs below min_satisfaction are dropped');
    assert.equal(d.train + d.validation + d.test, d.kept);
    assert.ok(d.test > 0 && d.validation > 0);
    assert.equal(result.training.steps, 12);
    // The estimate made after the data phase counts the same steps, and is set next to what training took.
    assert.equal(result.estimate?.hardware, 'cpu');
    assert.equal(result.estimate?.steps, 12);
    assert.ok(result.estimate!.tokens > 12 * 4, 'tokens: steps x batch x mean example length');
    assert.equal(typeof result.estimate?.seconds, 'number');
    assert.equal(result.estimate?.actual?.actualSteps, 12);
    assert.ok(result.estimate!.actual!.actualS > 0);
    assert.ok(Number.isFinite(result.training.trainLoss));
    // The trained adapter changed the model: the test loss moved away from the base model's.
    assert.notEqual(result.fineTuned.loss, result.baseline.loss);
    assert.ok(result.fineTuned.loss < result.baseline.loss, `fine-tuned test loss ${result.fineTuned.loss} < base ${result.baseline.loss}`);
    // The arms table: the base model and the fine-tuned one, compared on the same answers.
    assert.deepEqual(result.arms?.rows.map((r) => r.arm), ['base', 'fine-tuned']);
    const vsBase = result.arms!.rows[1]!.vsBase!.token_f1!;
    assert.ok(Math.abs(vsBase.difference - (result.fineTuned.token_f1 - result.baseline.token_f1)) < 1e-9);
    assert.ok(vsBase.pValue > 0 && vsBase.pValue <= 1 && vsBase.lower <= vsBase.difference && vsBase.difference <= vsBase.upper);
    // Every answer-based metric of both models comes with its 95% interval around the point.
    for (const [model, metrics] of [['baseline', result.baseline], ['fineTuned', result.fineTuned]] as const) {
      for (const name of ['accuracy', 'token_f1', 'exact_match', 'rouge_l', 'chrf', 'consistency', 'response_time'] as const) {
        const interval = result.intervals?.[model]?.[name];
        assert.ok(interval && interval.lower <= metrics[name]! && metrics[name]! <= interval.upper, `${model} ${name} ${metrics[name]} in ${JSON.stringify(interval)}`);
      }
    }
    assert.ok(result.gate.passed);
    assert.equal(result.approval?.mode, 'auto');
    // The readiness checklist ran on the fine-tuned graph before approval, each item a check of the gate.
    assert.deepEqual(
      result.gate.checks.filter((c) => c.mode === 'readiness').map((c) => [c.metric, c.passed]),
      ['security.pii_leaks', 'security.canaries', 'security.prompt_injection', 'scalability.load', 'monitoring.configured'].map((name) => [name, true]),
    );
    const gateEvidence = await openArtifactStore().getJson<{ readiness: { report: ArtifactRef } }>(result.gate.evidence);
    assert.equal((await openArtifactStore().getJson<{ kind: string }>(gateEvidence.readiness.report)).kind, 'tempered.readiness/v1');
    // Both models answered on onnxruntime-node, the base model from an export of its own made for this run.
    const experiment = (await handle.query(statusQuery)).phases.find((p) => p.name === 'experiment')!.summary;
    assert.deepEqual([experiment.evaluationRuntime, experiment.baseExport], ['onnx', 'exported']);
    for (const row of result.arms!.rows) {
      assert.equal((await openArtifactStore().getJson<{ runtime: string }>(row.report)).runtime, 'onnx', `${row.arm} evaluated on onnx`);
    }
    // The exported 4-bit graph answered the same questions, and what it changed is measured against the onnx graph.
    assert.equal(result.variants?.reference, 'onnx');
    const quantized = result.variants!.rows[0]!;
    assert.deepEqual([result.variants!.rows.length, quantized.runtime, quantized.samples], [1, 'onnx-quantized', result.arms!.rows[1]!.samples]);
    assert.ok(quantized.sameAnswers <= quantized.samples && quantized.agreement === quantized.sameAnswers / quantized.samples, JSON.stringify(quantized));
    const f1Change = quantized.vsReference!.token_f1!;
    assert.ok(Math.abs(f1Change.difference - (quantized.metrics.token_f1 - result.fineTuned.token_f1)) < 1e-9, JSON.stringify(f1Change));
    assert.equal((await openArtifactStore().getJson<{ runtime: string }>(quantized.report)).runtime, 'onnx-quantized');
    assert.deepEqual((await handle.query(statusQuery)).variants?.report, result.variants!.report);

    const store = openArtifactStore();
    const index = await readIndex(store, 'tiny-support');
    const registered = index.versions.find((v) => v.version === result.modelVersion?.version);
    assert.equal(registered?.stage, 'production');
    assert.ok(await store.exists(result.modelVersion!.model));
    const entry = await store.getJson<{ exports: { onnx: ArtifactRef } | null; lineage: { data: { train: { sha256: string }; report: ArtifactRef }; gate: { passed: boolean } } }>(result.modelVersion!.entry);
    assert.equal(entry.lineage.gate.passed, true);
    // The best checkpoint was exported, and the registered version points at its deployable forms.
    for (const part of [result.exports?.merged, result.exports?.onnx, result.exports?.onnxQuantized, result.exports?.lineage]) assert.ok(part && (await store.exists(part)));
    assert.deepEqual(entry.exports?.onnx, result.exports!.onnx);
    assert.ok(entry.lineage.data.train.sha256.length === 64);

    const status = await handle.query(statusQuery);
    assert.equal(status.phase, 'done');
    assert.equal(status.metrics.data_completeness, 1, 'the data scores are in the status query');
    assert.ok(status.metrics.data_distinct_2! > 0);
    assert.ok(status.metrics.data_tokens_p95! > 10, 'lengths in the base model\'s tokens');
    const dataPhaseSummary = status.phases.find((p) => p.name === 'data')!.summary;
    assert.equal(typeof dataPhaseSummary.truncated, 'number');
    const dataReport = await store.getJson<{ kind: string; passed: boolean }>(entry.lineage.data.report);
    assert.deepEqual([dataReport.kind, dataReport.passed], ['tempered.data-report/v2', true]);
    assert.deepEqual(status.progress, { completed: 6, total: 6 });
    assert.ok(status.phases.every((p) => p.state === 'completed'));
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(PipelineName), 'tiny-support');
    assert.equal(description.typedSearchAttributes.get(PipelinePhase), 'done');

    assert.equal(result.modelVersion?.version, 1);
    assert.equal(result.monitoringWorkflowId, 'monitor-tiny-support-v1');
    assert.equal(status.phases.find((p) => p.name === 'continuous-improvement')?.summary.alreadyMonitored, true);
    const monitor = env.client.workflow.getHandle(result.monitoringWorkflowId!);
    const monitorRun = await monitor.describe();
    assert.equal(monitorRun.status.name, 'RUNNING', 'the monitoring loop outlives the pipeline');
    assert.equal(monitorRun.runId, existingMonitor.firstExecutionRunId, 'one loop per version');
    await monitor.terminate('test over');

    await replay(handle);
    await maybeRecordHistory('pipeline-auto-approval', env, handle.workflowId);
  });

  it('measures the guide\'s four approaches when asked: base, RAG, fine-tuned and hybrid, each against the base model', async () => {
    const store = openArtifactStore();
    const production = await approvedRun(store);
    await registerModel({ ...production, spec: { ...production.spec, name: 'tiny-support-arms' } }, store);
    const handle = await start({ pipeline: 'tiny-support-arms' }, 'tiny-arms');
    const result = await handle.result();

    // The new version went to staging, in an A/B test against production that outlives the pipeline.
    assert.deepEqual([result.outcome, result.modelVersion?.version, result.modelVersion?.stage], ['deployed', 2, 'staging']);
    assert.equal(result.abTestWorkflowId, 'abtest-tiny-support-arms-v2');
    const running = (await readIndex(store, 'tiny-support-arms')).abTest;
    assert.deepEqual(running && [running.control, running.treatment, running.treatmentShare], [1, 2, 0.2]);
    const abTest = env.client.workflow.getHandle(result.abTestWorkflowId!);
    const abRun = await abTest.describe();
    assert.deepEqual([abRun.type, abRun.status.name, abRun.typedSearchAttributes.get(PipelineName)], ['abTestWorkflow', 'RUNNING', 'tiny-support-arms']);
    await abTest.terminate('test over');

    const rows = result.arms!.rows;
    assert.deepEqual(rows.map((r) => r.arm), ['base', 'fine-tuned', 'rag', 'hybrid']);
    assert.equal(result.variants, null, 'only the builder\'s graph was exported: no other graph to compare');
    for (const row of rows) {
      assert.equal((await openArtifactStore().getJson<{ runtime: string }>(row.report)).runtime, 'onnx-genai', `${row.arm} evaluated on the builder's graph`);
    }
    for (const row of rows.slice(1)) {
      assert.equal(row.samples, rows[0]!.samples, 'every arm answers the same test questions');
      assert.ok(row.vsBase?.token_f1 && row.intervals?.token_f1, `${row.arm} has its interval and its comparison`);
    }
    // Retrieval changes the prompt, so the RAG arm's answers and loss differ from the base model's.
    assert.notEqual(rows[2]!.metrics.loss, rows[0]!.metrics.loss);
    // Both models answered the out-of-domain questions; the drop comes with its paired interval.
    const ood = result.outOfDomain!;
    assert.equal(ood.samples, 5);
    const change = ood.tokenF1Change;
    assert.ok(Math.abs(change.difference - (ood.fineTuned.token_f1 - ood.base.token_f1)) < 1e-9 && change.lower <= change.difference && change.difference <= change.upper, JSON.stringify(ood));
    assert.notEqual(ood.fineTuned.loss, ood.base.loss);
    assert.deepEqual(result.gate.checks.find((c) => c.metric === 'out_of_domain_relative_drop')?.passed, true);
    assert.deepEqual((await handle.query(statusQuery)).outOfDomain?.report, ood.report);
    const table = await openArtifactStore().getJson<{ kind: string; rows: unknown[] }>(result.arms!.report);
    assert.deepEqual([table.kind, table.rows.length], ['tempered.evaluation-arms/v1', 4]);
    assert.equal((await handle.query(statusQuery)).arms?.rows.length, 4);
    await replay(handle);
  });

  it('stops in the data phase, naming the file and line, when a source is malformed', async () => {
    const handle = await start({ pipeline: 'tiny-support-bad-data' }, 'tiny-bad-data');
    const err = await handle.result().catch((e) => e);
    assert.ok(err instanceof WorkflowFailedError);
    const cause = innermost(err);
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'InvalidData');
    assert.equal(cause.nonRetryable, true);
    assert.match(cause.message, /chat-malformed\.jsonl:3: invalid JSON/);

    const status = await handle.query(statusQuery);
    assert.equal(status.phase, 'failed');
    assert.equal(status.phases.find((p) => p.name === 'data')?.state, 'failed');
    assert.equal(status.phases.find((p) => p.name === 'experiment')?.state, 'pending', 'no training after bad data');

    await replay(handle);
    await maybeRecordHistory('pipeline-bad-data', env, handle.workflowId);
  });

  it('fails training at once, without retries, when the trainer rejects its config', async () => {
    const handle = await start({ pipeline: 'tiny-support', overrides: { 'training.lora.target_modules': ['nope_proj'] } }, 'tiny-bad-trainer-config');
    const err = await handle.result().catch((e) => e);
    const cause = innermost(err);
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'InvalidTrainerConfig');
    assert.match(cause.message, /trainer train failed: lora\.target_modules: Target modules \{'nope_proj'\} not found in the base model/);

    const status = await handle.query(statusQuery);
    assert.equal(status.phases.find((p) => p.name === 'experiment')?.state, 'failed');
    assert.ok(status.metrics.baseline_loss > 0, 'the baseline was measured before training');
    const history = await handle.fetchHistory();
    const scheduled = history.events?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'fineTune') ?? [];
    const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes && scheduled.some((s) => s.eventId?.toString() === e.activityTaskStartedEventAttributes?.scheduledEventId?.toString()));
    assert.deepEqual(attempts?.map((e) => e.activityTaskStartedEventAttributes!.attempt), [1], 'a bad config is not retried');
  });

  it('fails at once, without retries, on a spec that does not validate', async () => {
    const handle = await start({ pipeline: 'tiny-support', overrides: { 'training.epochs': -1, 'training.save_steps': 6 } }, 'tiny-bad-spec');
    const err = await handle.result().catch((e) => e);
    const cause = innermost(err);
    assert.ok(cause instanceof ApplicationFailure);
    assert.equal(cause.type, 'InvalidPipelineSpec');
    assert.match(cause.message, /training\.epochs: Too small: expected number to be >0/);
    assert.match(cause.message, /training\.save_steps: expected a multiple of eval_steps \(4\), got 6/);
    const history = await handle.fetchHistory();
    const attempts = history.events?.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
    assert.deepEqual(attempts, [1], 'one attempt only');
  });
});
