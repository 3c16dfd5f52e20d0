import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { TrainingProgress } from '../../../src/activities/experiment/fine-tune';
import { taskQueues } from '../../../src/config/queues';
import type { ArtifactRef, PipelineSpec, TrainingResult } from '../../../src/pipeline/types';
import { trainingTrial } from '../../../src/workflows/training-trial';
import { GpuHost, makeTapVenv, type TapEntry } from './gpu-host';

/** The bench workflow's own queue; the activity goes to the pipeline's gpu queue. */
const BENCH_QUEUE = 'tempered-bench-training';

export interface OrchestratedRun {
  seconds: number;
  result: TrainingResult;
}

export interface ResumeMeasure {
  /** From the SIGKILL of the training's gpu worker to the first step the new worker's trainer reports. */
  seconds: number;
  /** ... of which: until the server handed the retry to the new worker (heartbeat timeout, retry backoff). */
  untilRetryStarted: number;
  /** ... then until the trainer process started (downloading the data and the checkpoint). */
  untilTrainerStarted: number;
  checkpointStep: number;
  /** Steps the killed trainer had made past its last stored checkpoint, made again after the resume. */
  stepsRedone: number;
  result: TrainingResult;
}

/** The orchestrated side: a real server, a worker for the bench workflow here, gpu workers in processes of their own. */
export class Orchestration {
  private readonly hosts: GpuHost[] = [];

  private constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly workflowWorker: Worker,
    private readonly running: Promise<void>,
    private readonly input: { spec: PipelineSpec; train: ArtifactRef; validation: ArtifactRef },
    private readonly dir: string,
    private readonly artifacts: string,
    private readonly tapVenv: string,
  ) {}

  static async start(
    env: TestWorkflowEnvironment,
    input: { spec: PipelineSpec; train: ArtifactRef; validation: ArtifactRef },
    dir: string,
    artifacts: string,
  ): Promise<Orchestration> {
    // Bundling the workflow takes seconds: done here, before anything is timed.
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: BENCH_QUEUE,
      workflowsPath: require.resolve('../../../src/workflows/training-trial'),
    });
    return new Orchestration(env, worker, worker.run(), input, dir, artifacts, makeTapVenv(path.join(dir, 'tap-venv')));
  }

  private get namespace(): string {
    return this.env.namespace ?? 'default';
  }

  /** A gpu worker host, polling once `ready` resolves. */
  async host(name: string, waitUntilReady = true): Promise<GpuHost> {
    const host = new GpuHost(name, { address: this.env.address, namespace: this.namespace, dir: this.dir, tapVenv: this.tapVenv, artifacts: this.artifacts });
    this.hosts.push(host);
    if (waitUntilReady) await host.ready(this.env.client, this.namespace);
    return host;
  }

  private start(id: string): Promise<WorkflowHandle<typeof trainingTrial>> {
    return this.env.client.workflow.start(trainingTrial, {
      taskQueue: BENCH_QUEUE,
      workflowId: `bench-training-${id}-${Date.now()}`,
      args: [{ ...this.input, queues: taskQueues() }],
    });
  }

  /** One training through the workflow, timed from the workflow's start to its result. */
  async run(id: string): Promise<OrchestratedRun> {
    const started = performance.now();
    const result = await (await this.start(id)).result();
    return { seconds: (performance.now() - started) / 1000, result };
  }

  /**
   * Kills the gpu worker of a running training with SIGKILL once a checkpoint of `afterCheckpointStep` or later is
   * heartbeated, starts another worker with a state folder of its own, and times the resume from the kill.
   */
  async measureResume(afterCheckpointStep: number): Promise<ResumeMeasure> {
    const doomed = await this.host('resume-a');
    const handle = await this.start('resume');
    const progress = await this.progressWhen(handle, (p) => (p.checkpointStep ?? 0) >= afterCheckpointStep, `a heartbeated checkpoint of step ${afterCheckpointStep} or later`);
    const killedAt = Date.now() / 1000;
    await doomed.stop('SIGKILL');
    const spare = await this.host('resume-b', false);
    const result = await handle.result();
    await spare.stop('SIGTERM');

    const after = spare.trainerEvents();
    const firstStep = after.find((e) => e.event === 'step');
    const trainerStarted = after.find((e) => e.event === 'tap_start');
    if (!firstStep || !trainerStarted) throw new Error(`the new worker's trainer reported no step; see ${spare.trainerLog} and ${spare.workerLog}`);
    if (result.resumedFromStep === null) throw new Error('the training did not resume from a checkpoint after its worker was killed: it started over');
    const lastStepBeforeKill = lastStep(doomed.trainerEvents(), killedAt);
    return {
      seconds: firstStep.t - killedAt,
      untilRetryStarted: (await this.lastAttemptStartedAt(handle)) - killedAt,
      untilTrainerStarted: trainerStarted.t - killedAt,
      checkpointStep: result.resumedFromStep ?? progress.checkpointStep ?? 0,
      stepsRedone: Math.max(0, lastStepBeforeKill - (result.resumedFromStep ?? 0)),
      result,
    };
  }

  /** When the server started the fine-tune activity's last attempt, in wall-clock seconds. */
  private async lastAttemptStartedAt(handle: WorkflowHandle): Promise<number> {
    const history = await handle.fetchHistory();
    const started = history.events?.find((e) => e.activityTaskStartedEventAttributes);
    const time = started?.eventTime;
    if (!time) throw new Error(`no ActivityTaskStarted event in the history of ${handle.workflowId}`);
    return Number(time.seconds) + (time.nanos ?? 0) / 1e9;
  }

  /** Polls the fine-tune activity's heartbeat until it satisfies `ready`. */
  private async progressWhen(handle: WorkflowHandle, ready: (p: TrainingProgress) => boolean, what: string, withinMs = 300_000): Promise<TrainingProgress> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const { raw } = await handle.describe();
      const payload = raw.pendingActivities?.find((a) => a.activityType?.name === 'fineTune')?.heartbeatDetails?.payloads?.[0];
      const progress = payload ? defaultPayloadConverter.fromPayload<TrainingProgress>(payload) : undefined;
      if (progress && ready(progress)) return progress;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`waited ${withinMs / 1000} s for ${what} in ${handle.workflowId}`);
  }

  /** Stops the bench workflow's worker and kills any gpu worker still running. */
  async stop(): Promise<void> {
    for (const host of this.hosts) await host.stop('SIGKILL');
    if (this.workflowWorker.getState() === 'RUNNING') this.workflowWorker.shutdown();
    await this.running;
  }
}

/** The last step a trainer reported before `t`. */
function lastStep(events: TapEntry[], t: number): number {
  return events.filter((e) => e.event === 'step' && e.t <= t).reduce((max, e) => Math.max(max, e.step ?? 0), 0);
}

/** Each checkpoint's upload, from the trainer's announcement to the acknowledgement it read once the upload was heartbeated. */
export function uploadSeconds(events: TapEntry[]): number[] {
  const announced = new Map<string, number>();
  const out: number[] = [];
  for (const e of events) {
    if (e.event === 'checkpoint' && e.step != null) announced.set(`${e.pid}:${e.step}`, e.t);
    if (e.ack !== undefined) {
      const at = announced.get(`${e.pid}:${e.ack}`);
      if (at !== undefined) out.push(e.t - at);
    }
  }
  return out;
}
