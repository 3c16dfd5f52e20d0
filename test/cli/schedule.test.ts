import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { PipelineName } from '../../src/pipeline/search-attributes';
import { useTestCatalogue } from '../support/catalogue';
import { lastJsonLine, tempered } from '../support/cli';
import { startTemporal } from '../support/temporal';

describe('tempered schedule on a real Temporal server', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let serverEnv: NodeJS.ProcessEnv;

  before(async () => {
    useTestCatalogue();
    env = await startTemporal();
    serverEnv = { TEMPORAL_ADDRESS: env.address };
  });
  after(async () => env?.teardown());

  const schedule = async (...args: string[]) => {
    const run = await tempered(['schedule', ...args, '--json'], serverEnv);
    assert.equal(run.code, 0, run.stderr);
    return lastJsonLine(run.stdout);
  };

  it('creates, lists, pauses, triggers and deletes a schedule whose runs carry their pipeline name', async () => {
    const created = await schedule('create', 'tiny-support', '--every', '1h', '--set', 'training.epochs=1');
    assert.equal(created.scheduleId, 'tempered-tiny-support');
    const described = await schedule('describe', 'tempered-tiny-support');
    assert.deepEqual(
      { pipeline: described.pipeline, input: described.input, timing: described.timing, overlap: described.overlap, catchup: described.catchupWindowS, paused: described.paused },
      { pipeline: 'tiny-support', input: { pipeline: 'tiny-support', overrides: { 'training.epochs': 1 } }, timing: 'every 3600 s', overlap: 'SKIP', catchup: 3600, paused: false },
    );
    assert.equal(described.nextRuns.length > 0, true);
    assert.ok((await schedule('list')).schedules.some((s: { scheduleId: string }) => s.scheduleId === 'tempered-tiny-support'));

    await schedule('pause', 'tempered-tiny-support', '--note', 'data migration');
    assert.deepEqual([(await schedule('describe', 'tempered-tiny-support')).paused, (await schedule('describe', 'tempered-tiny-support')).note], [true, 'data migration']);
    await schedule('unpause', 'tempered-tiny-support');
    assert.equal((await schedule('describe', 'tempered-tiny-support')).paused, false);

    await schedule('trigger', 'tempered-tiny-support');
    let runs: { workflowId: string }[] = [];
    for (let i = 0; i < 40 && runs.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      runs = (await schedule('describe', 'tempered-tiny-support')).recentRuns;
    }
    assert.equal(runs.length, 1, 'the trigger started a run');
    assert.match(runs[0]!.workflowId, /^tiny-support-scheduled/);
    const run = env.client.workflow.getHandle(runs[0]!.workflowId);
    const started = await run.describe();
    assert.equal(started.type, 'fineTuningPipeline');
    assert.equal(started.typedSearchAttributes.get(PipelineName), 'tiny-support', 'the Web UI lists scheduled runs by pipeline');
    await run.terminate('test over');

    await schedule('delete', 'tempered-tiny-support');
    const gone = await tempered(['schedule', 'describe', 'tempered-tiny-support'], serverEnv);
    assert.notEqual(gone.code, 0);
  });

  it('refuses, before creating anything, a policy override, a missing timing and a malformed cron expression', async () => {
    const policy = await tempered(['schedule', 'create', 'tiny-support', '--every', '1d', '--set', 'deployment.approval.mode=auto'], serverEnv);
    assert.equal(policy.code, 2);
    assert.match(policy.stderr, /deployment\.approval\.mode: cannot be overridden at run time/);
    const neither = await tempered(['schedule', 'create', 'tiny-support'], serverEnv);
    assert.match(neither.stderr, /expected one of --cron "<expression>" and --every <duration>/);
    const cron = await tempered(['schedule', 'create', 'tiny-support', '--cron', 'every tuesday', '--id', 'bad-cron'], serverEnv);
    assert.notEqual(cron.code, 0);
    assert.match(cron.stderr, /creating schedule bad-cron: /);
    const listed = (await schedule('list')).schedules as { scheduleId: string }[];
    assert.ok(!listed.some((s) => s.scheduleId === 'bad-cron'), 'nothing was created');
  });
});
