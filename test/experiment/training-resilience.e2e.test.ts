import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { CancelledFailure, defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TrainingProgress } from '../../src/activities/experiment/fine-tune';
import { modelCacheDir, venvDir } from '../../src/config/paths';
import { taskQueues } from '../../src/config/queues';
import type { PipelineResult } from '../../src/pipeline/types';
import { fineTuningPipeline } from '../../src/workflows';
import { useTestCatalogue } from '../support/catalogue';
import { startTemporal, startWorkers, useTempArtifactStore, type RunningWorkers } from '../support/temporal';
import { isRunning, liveProcessesInGroup, trainersStartedBy, waitFor } from './processes';

const gpuWorkerScript = path.join(__dirname, '..', 'support', 'gpu-worker-process.js');

/**
 * Long enough to stop part-way although heartbeats reach the server only every few seconds, short enough for a
 * test: the tiny model takes about 0.05 s a step.
 */
const STEPS = 400;
const RESUMABLE = {
  training: { max_steps: STEPS, save_steps: 50, eval_steps: 50, gradient_accumulation_steps: 2, heartbeat_timeout: '8s', early_stopping: { patience: 0 } },
};

/**
 * Full fine-tuning of the tiny model at a learning rate that overshoots: validation loss falls for a few
 * evaluations, then rises, which is the curve early stopping is for.
 */
const OVERSHOOTING = {
  training: { method: 'full', learning_rate: 0.03, max_steps: 60, save_steps: 2, eval_steps: 2, early_stopping: { patience: 2 } },
};

/** A gpu worker in its own process with its own state directory: a host of its own, with its own local disk. */
class GpuHost {
  readonly process: ChildProcess;
  readonly home: string;

  constructor(env: TestWorkflowEnvironment, name: string) {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), `tempered-host-${name}-`));
    this.process = spawn(process.execPath, [gpuWorkerScript, env.address, env.namespace ?? 'default'], {
      env: { ...process.env, TEMPERED_HOME: this.home, TEMPERED_VENV: venvDir, TEMPERED_MODEL_CACHE: modelCacheDir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  async stop(signal: NodeJS.Signals, withinMs = 60_000): Promise<void> {
    if (this.exited) return;
    this.process.kill(signal);
    await waitFor(() => this.exited, withinMs, `gpu host ${this.pid} to exit on ${signal}`);
  }

  /** The trainer this host's worker runs, once it runs one. */
  trainer(): Promise<number> {
    return waitFor(() => trainersStartedBy(this.pid)[0], 240_000, `a trainer started by the gpu worker ${this.pid}`);
  }
}

/** The fine-tune activity's last heartbeat, while it is pending. */
async function trainingProgress(handle: WorkflowHandle): Promise<TrainingProgress | undefined> {
  const { raw } = await handle.describe();
  const payload = raw.pendingActivities?.find((a) => a.activityType?.name === 'fineTune')?.heartbeatDetails?.payloads?.[0];
  return payload ? defaultPayloadConverter.fromPayload<TrainingProgress>(payload) : undefined;
}

/** Waits until the heartbeated progress satisfies `ready`, and returns it. */
function progressWhen(handle: WorkflowHandle, ready: (p: TrainingProgress) => boolean, what: string): Promise<TrainingProgress> {
  return waitFor(
    async () => {
      const progress = await trainingProgress(handle);
      return progress && ready(progress) ? progress : undefined;
    },
    240_000,
    what,
  );
}

describe('training that survives losing its host', function () {
  this.timeout(600_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  let artifacts: string;
  const hosts: GpuHost[] = [];
  const savedEnv = { ...process.env };

  const host = (name: string): GpuHost => {
    const started = new GpuHost(env, name);
    hosts.push(started);
    return started;
  };
  const start = (pipeline: string, id: string, overrides: Record<string, unknown> = {}) =>
    env.client.workflow.start(fineTuningPipeline, {
      taskQueue: taskQueues().control,
      workflowId: `${id}-${Date.now()}`,
      args: [{ pipeline, overrides }],
    });

  before(async () => {
    artifacts = useTempArtifactStore();
    useTestCatalogue({ 'tiny-resumable': RESUMABLE, 'tiny-overshooting': OVERSHOOTING });
    env = await startTemporal();
    workers = await startWorkers(env, ['control', 'cpu']);
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) {
      await h.stop('SIGKILL');
      fs.rmSync(h.home, { recursive: true, force: true });
    }
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
    process.env = savedEnv;
  });

  it('resumes on another host after its gpu worker is killed, and ends where an uninterrupted run ends', async () => {
    const first = host('a');
    const uninterrupted: PipelineResult = await (await start('tiny-resumable', 'uninterrupted')).result();
    assert.equal(uninterrupted.training.steps, STEPS);
    assert.equal(uninterrupted.training.resumedFromStep, null);
    await first.stop('SIGTERM');

    const doomed = host('b');
    const handle = await start('tiny-resumable', 'interrupted');
    const before = await progressWhen(handle, (p) => (p.checkpointStep ?? 0) >= 100 && p.step >= (p.checkpointStep ?? 0) + 10, 'a stored checkpoint and steps past it');
    assert.ok(before.checkpoint?.uri.startsWith(`file://${artifacts}/scopes/checkpoints/`), 'the heartbeat names a checkpoint in the artifact store');
    const trainer = await doomed.trainer();
    await doomed.stop('SIGKILL');
    await waitFor(() => !isRunning(trainer), 10_000, 'the killed host\'s trainer to end');

    host('c');
    const resumed: PipelineResult = await handle.result();
    assert.ok(resumed.training.resumedFromStep !== null && resumed.training.resumedFromStep >= before.checkpointStep!, `resumed from step ${resumed.training.resumedFromStep}`);
    assert.equal(resumed.training.steps, uninterrupted.training.steps);
    assert.ok(Math.abs(resumed.training.finalLoss! - uninterrupted.training.finalLoss!) < 1e-3, `final loss ${resumed.training.finalLoss} vs ${uninterrupted.training.finalLoss}`);
    assert.ok(Math.abs(resumed.training.trainLoss - uninterrupted.training.trainLoss) < 1e-3, `mean loss ${resumed.training.trainLoss} vs ${uninterrupted.training.trainLoss}`);
    assert.equal(resumed.training.bestEvalLoss?.toFixed(4), uninterrupted.training.bestEvalLoss?.toFixed(4));
  });

  it('checkpoints, uploads and ends as cancelled when the pipeline is cancelled', async () => {
    const gpu = host('d');
    const handle = await start('tiny-resumable', 'cancelled', { 'training.max_steps': 100_000, 'training.save_steps': 100_000, 'training.eval_steps': 100_000 });
    await progressWhen(handle, (p) => p.step >= 3, 'a few training steps');
    const trainer = await gpu.trainer();
    await handle.cancel();

    await assert.rejects(handle.result(), (err: unknown) => err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure);
    assert.equal((await handle.describe()).status.name, 'CANCELLED');
    const stored = checkpointManifests(artifacts, handle.workflowId);
    assert.equal(stored.length, 1, 'the checkpoint written on SIGTERM is in the store, and only it');
    assert.ok(stored[0]!.includes('trainer_state.json') && stored[0]!.includes('optimizer.pt'), `a resumable checkpoint: ${stored[0]!.join(', ')}`);
    await waitFor(() => !isRunning(trainer) && liveProcessesInGroup(trainer).length === 0, 10_000, 'the trainer to end');
  });

  it('hands the training over to another worker when its worker is told to stop', async () => {
    const leaving = host('e');
    const handle = await start('tiny-resumable', 'moved', { 'training.save_steps': 1_000, 'training.eval_steps': 1_000 });
    const before = await progressWhen(handle, (p) => p.step >= 20, 'a few training steps');
    await leaving.stop('SIGTERM');

    host('f');
    const result: PipelineResult = await handle.result();
    assert.ok(result.training.resumedFromStep !== null && result.training.resumedFromStep >= before.step, `resumed from the checkpoint taken on SIGTERM (step ${result.training.resumedFromStep})`);
    assert.equal(result.training.steps, STEPS);
  });

  it('fails the attempt of a trainer that stops reporting, and resumes it from the last checkpoint', async () => {
    const gpu = host('g');
    const handle = await start('tiny-resumable', 'hung');
    const before = await progressWhen(handle, (p) => (p.checkpointStep ?? 0) >= 50, 'a stored checkpoint');
    const trainer = await gpu.trainer();
    process.kill(trainer, 'SIGSTOP');

    const result: PipelineResult = await handle.result();
    assert.equal(isRunning(trainer), false, 'the hung trainer was killed');
    assert.ok(result.training.resumedFromStep !== null && result.training.resumedFromStep >= before.checkpointStep!);
    assert.equal(result.training.steps, STEPS);
  });

  it('stops early when validation loss stops improving, and delivers the best checkpoint', async () => {
    host('h');
    const result: PipelineResult = await (await start('tiny-overshooting', 'early-stop')).result();
    assert.equal(result.training.earlyStopped, true);
    assert.ok(result.training.steps < 60, `stopped at step ${result.training.steps}`);
    assert.ok(result.training.bestStep !== null && result.training.bestStep <= result.training.steps - 4, `best step ${result.training.bestStep}, patience 2 evaluations of 2 steps`);
  });
});

/** The file lists of the checkpoint manifests in the checkpoint scope of a workflow's training. */
function checkpointManifests(artifacts: string, workflowId: string): string[][] {
  const found: string[][] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (fs.statSync(full).size < 100_000) {
        try {
          const files = (JSON.parse(fs.readFileSync(full, 'utf8')) as { files?: { path: string }[] }).files;
          if (Array.isArray(files)) found.push(files.map((f) => f.path));
        } catch {
          // a blob that is not a manifest
        }
      }
    }
  };
  const scopes = path.join(artifacts, 'scopes', 'checkpoints');
  const readable = workflowId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
  for (const scope of fs.existsSync(scopes) ? fs.readdirSync(scopes) : []) if (scope.startsWith(`run-${readable}-`)) walk(path.join(scopes, scope));
  return found;
}
