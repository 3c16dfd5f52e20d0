import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { RunReportInput } from '../../src/activities/reporting/run-report';
import type { ArtifactRef } from '../../src/artifacts/store';
import { startTemporal } from '../support/temporal';
import { reportStepWorkflow } from './report-step-workflow';

/** The report step at the end of a pipeline run, on a real server, with the report activity made to succeed or fail. */
describe('the run report step of a pipeline', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  before(async () => {
    env = await startTemporal();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./report-step-workflow'), logger: new DefaultLogger('WARN') });
  });
  after(async () => env?.teardown());

  /** Runs the step with `storeRunReport` as given; returns its result and the inputs the activity saw. */
  async function runStep(input: { failure: string | null; planned: boolean }, storeRunReport: (input: RunReportInput) => Promise<ArtifactRef>) {
    const calls: RunReportInput[] = [];
    const taskQueue = `report-step-${Date.now()}-${Math.random()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: { storeRunReport: (i: RunReportInput) => (calls.push(i), storeRunReport(i)) },
    });
    const result = await worker.runUntil(env.client.workflow.execute(reportStepWorkflow, { taskQueue, workflowId: taskQueue, args: [input] }));
    return { result, calls };
  }

  it('records where the report is, in the result and the status', async () => {
    const ref = { uri: 'file:///store/sha256/ab/ab', sha256: 'ab'.repeat(32), size: 10 };
    const { result, calls } = await runStep({ failure: null, planned: true }, async () => ref);
    assert.deepEqual(result.report, { artifact: ref, error: null });
    assert.deepEqual(result.status, result.report);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.failure, null);
    assert.equal(calls[0]!.result?.pipeline, 'tiny-support', 'the activity gets the small result, not data');
  });

  it('goes on when the report cannot be made, and says why in the status', async () => {
    const { result, calls } = await runStep({ failure: null, planned: true }, async () => {
      throw ApplicationFailure.nonRetryable('the data report is not JSON', 'InvalidData');
    });
    assert.deepEqual(result.report, { artifact: null, error: 'the data report is not JSON' });
    assert.deepEqual(result.status, result.report);
    assert.deepEqual(result.warnings, ['the run report could not be made: the data report is not JSON']);
    assert.equal(calls.length, 1, 'a non-retryable failure is not retried');
  });

  it('reports a failed run with its failure, and nothing for a run refused at planning', async () => {
    const ref = { uri: 'file:///store/sha256/cd/cd', sha256: 'cd'.repeat(32), size: 10 };
    const failed = await runStep({ failure: 'chat.jsonl:3: invalid JSON', planned: true }, async () => ref);
    assert.deepEqual([failed.result.report?.artifact, failed.calls[0]?.failure], [ref, 'chat.jsonl:3: invalid JSON']);
    const refused = await runStep({ failure: 'override refused', planned: false }, async () => ref);
    assert.deepEqual([refused.result.report, refused.calls.length], [null, 0]);
  });
});
