import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { killTrainerGroups } from '../../src/activities/trainer/trainer-groups';
import { runTrainer, type TrainerEvent } from '../../src/activities/trainer/trainer-process';
import { endlessTrainingConfig } from './endless-training';
import { isRunning, liveProcessesInGroup, trainersStartedBy, waitFor } from './processes';

/** Starts the trainer and resolves with its pid once it has made a training step. */
async function startTraining(workDir: string, signal?: AbortSignal) {
  const events: TrainerEvent[] = [];
  const outcome = runTrainer({ command: 'train', workDir, config: endlessTrainingConfig(workDir), signal, graceMs: 30_000, onEvent: (e) => events.push(e) });
  // Settled here so that a failure while we wait below is not reported as unhandled.
  const settled = outcome.then(
    (done) => ({ done, error: undefined }),
    (error: unknown) => ({ done: undefined, error }),
  );
  await waitFor(() => events.some((e) => e.event === 'step'), 120_000, 'the first training step');
  const [pid] = trainersStartedBy(process.pid);
  assert.ok(pid, 'the trainer is a child of this process');
  return { pid, events, settled };
}

describe('runTrainer and the trainer process group', function () {
  this.timeout(180_000);
  let workDir: string;

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-trainer-'));
  });
  afterEach(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('runs the trainer in its own group, and stops it on abort after a checkpoint, leaving nothing behind', async () => {
    const controller = new AbortController();
    const { pid, events, settled } = await startTraining(workDir, controller.signal);
    assert.deepEqual(liveProcessesInGroup(pid), [pid], 'the trainer leads a group of its own');
    const reason = new Error('activity cancelled');
    controller.abort(reason);

    const { error } = await settled;
    assert.equal(error, reason, 'runTrainer rejects with the abort reason');
    assert.ok(events.some((e) => e.event === 'checkpoint'), 'SIGTERM lets the trainer checkpoint');
    assert.ok(events.some((e) => e.event === 'cancelled'));
    assert.equal(isRunning(pid), false);
    assert.deepEqual(liveProcessesInGroup(pid), []);
  });

  it('kills every live trainer group when the worker exits (killTrainerGroups is its exit hook)', async () => {
    const { pid, settled } = await startTraining(workDir);
    killTrainerGroups();

    const { error } = await settled;
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, 'TrainerCrashed');
    assert.match(error.message, /signal SIGKILL/);
    assert.equal(isRunning(pid), false);
    assert.deepEqual(liveProcessesInGroup(pid), []);
  });

  it('refuses a train config that leaves out a field, instead of taking a default of its own', async () => {
    const config: Record<string, unknown> = { ...endlessTrainingConfig(workDir) };
    delete config.warmup_steps;
    const failure = await runTrainer({ command: 'train', workDir, config }).then(
      () => assert.fail('the trainer accepted an incomplete config'),
      (err: unknown) => err as ApplicationFailure,
    );
    assert.equal(failure.type, 'InvalidTrainerConfig');
    assert.match(failure.message, /warmup_steps: required/);
  });
});
