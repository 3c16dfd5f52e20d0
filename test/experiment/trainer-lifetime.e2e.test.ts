import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TrainingProgress } from '../../src/activities/experiment/fine-tune';
import { taskQueues } from '../../src/config/queues';
import { fineTuningPipeline } from '../../src/workflows';
import { fixtures, startTemporal, startWorkers, useTempArtifactStore, type RunningWorkers } from '../support/temporal';
import { isRunning, liveProcessesInGroup, trainersStartedBy, waitFor } from './processes';

const gpuWorkerScript = path.join(__dirname, '..', 'support', 'gpu-worker-process.js');

/** Where the workers find the test pipeline and may read its data. */
const rootsEnv = {
  TEMPERED_PIPELINES_DIRS: path.join(fixtures, 'pipelines'),
  TEMPERED_DATA_ROOTS: fixtures,
};

/** The step the fine-tune activity last heartbeated, or 0 before its first. */
async function heartbeatedStep(handle: WorkflowHandle): Promise<number> {
  const { raw } = await handle.describe();
  const payload = raw.pendingActivities?.find((a) => a.activityType?.name === 'fineTune')?.heartbeatDetails?.payloads?.[0];
  return payload ? (defaultPayloadConverter.fromPayload<TrainingProgress>(payload)?.step ?? 0) : 0;
}

describe('the trainer dies with its gpu worker', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  const savedEnv = Object.fromEntries(Object.keys(rootsEnv).map((k) => [k, process.env[k]]));

  before(async () => {
    useTempArtifactStore();
    Object.assign(process.env, rootsEnv);
    env = await startTemporal();
    workers = await startWorkers(env, ['control', 'cpu']);
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('leaves no trainer process behind when the worker is SIGKILLed mid-training', async () => {
    // Its own process, so the test can kill it without running any of its cleanup; same environment as ours.
    const gpuWorker: ChildProcess = spawn(process.execPath, [gpuWorkerScript, env.address, env.namespace ?? 'default'], {
      env: process.env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const workerPid = gpuWorker.pid!;
    const handle = await env.client.workflow.start(fineTuningPipeline, {
      taskQueue: taskQueues().control,
      workflowId: `trainer-lifetime-${Date.now()}`,
      args: [{ pipeline: 'tiny-support', overrides: { 'training.max_steps': 100_000 } }],
    });
    let trainerPid: number | undefined;
    try {
      // Training first, then its trainer: the gpu worker runs the trainer for the base model's export before it.
      await waitFor(async () => (await heartbeatedStep(handle)) > 0, 240_000, 'the fine-tune activity to heartbeat a training step');
      trainerPid = await waitFor(() => trainersStartedBy(workerPid)[0], 10_000, `the training trainer started by the gpu worker (pid ${workerPid})`);
      assert.ok(isRunning(trainerPid), 'the trainer is still training when the worker dies');

      gpuWorker.kill('SIGKILL');
      const pid = trainerPid;
      await waitFor(() => !isRunning(pid) && liveProcessesInGroup(pid).length === 0, 5_000, `trainer ${pid} and its process group to end`);
    } finally {
      if (gpuWorker.exitCode === null && gpuWorker.signalCode === null) gpuWorker.kill('SIGKILL');
      // Should the assertion fail, the stale trainer must not outlive the test run either.
      if (trainerPid !== undefined && liveProcessesInGroup(trainerPid).length > 0) process.kill(-trainerPid, 'SIGKILL');
      await handle.terminate('test over');
    }
  });
});
