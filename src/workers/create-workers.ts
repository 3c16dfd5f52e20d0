import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import * as controlActivities from '../activities/control';
import * as cpuActivities from '../activities/cpu';
import * as gpuActivities from '../activities/gpu';
import { stopTrainersForShutdown } from '../activities/trainer/trainer-groups';
import { taskQueues, workerConcurrency } from '../config/queues';
import { temporalSettings } from '../config/temporal';
import { runtimeLogger } from '../observability/runtime';
import { observabilitySettings } from '../observability/settings';
import { observedWorkerOptions, ProcessObservability, type WorkerObservability } from '../observability/worker-observability';

export type WorkerKind = 'control' | 'cpu' | 'gpu';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt workflow bundle (tests build it once); otherwise the control worker bundles `src/workflows`. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  env?: NodeJS.ProcessEnv;
  /** Metrics and tracing interceptors (worker processes set them from their environment; tests may leave them out). */
  observability?: WorkerObservability;
}

/** Long activities' heartbeats reach the server this often, so `tempered status` shows live steps and loss. */
const PROGRESS_INTERVAL = '5 seconds';

/** Training gets time to write a checkpoint when the worker is told to stop. */
const GPU_SHUTDOWN_GRACE = '2 minutes';

/** One worker per task queue: control runs the workflows and the light activities, cpu the data and evaluation, gpu the training. */
export async function createWorker(kind: WorkerKind, setup: WorkerSetup): Promise<Worker> {
  const queues = taskQueues(setup.env);
  const slots = workerConcurrency(setup.env);
  const observed = observedWorkerOptions(setup.observability, kind === 'gpu' ? slots.gpu : null);
  const common = { connection: setup.connection, namespace: setup.namespace, taskQueue: queues[kind], ...observed };
  switch (kind) {
    case 'control':
      return Worker.create({
        ...common,
        ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
        activities: controlActivities,
        maxConcurrentActivityTaskExecutions: slots.control,
      });
    case 'cpu':
      return Worker.create({ ...common, activities: cpuActivities, maxConcurrentActivityTaskExecutions: slots.cpu, maxHeartbeatThrottleInterval: PROGRESS_INTERVAL });
    case 'gpu':
      return Worker.create({
        ...common,
        activities: gpuActivities,
        maxConcurrentActivityTaskExecutions: slots.gpu,
        maxHeartbeatThrottleInterval: PROGRESS_INTERVAL,
        shutdownGraceTime: GPU_SHUTDOWN_GRACE,
      });
  }
}

export async function connectWorkers(): Promise<{ connection: NativeConnection; namespace: string }> {
  const settings = temporalSettings();
  const connection = await NativeConnection.connect(settings.connection);
  return { connection, namespace: settings.namespace };
}

/**
 * On the SDK's shutdown signals a gpu worker hands its trainings over: each trainer checkpoints at the end of its
 * step, the checkpoint is uploaded, and the attempt fails as retryable so that another worker resumes it, within
 * the shutdown grace period rather than at its end.
 */
export function handOverTrainingsOnShutdown(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stopTrainersForShutdown);
}

/**
 * Runs the given workers until SIGINT/SIGTERM (the SDK's default shutdown signals), with the process's logging,
 * metrics and tracing from its environment (see `src/observability/settings.ts`).
 */
export async function runWorkers(kinds: WorkerKind[]): Promise<void> {
  const observability = await ProcessObservability.start(observabilitySettings(), `tempered-${kinds.join('-')}-worker`);
  if (kinds.includes('gpu')) handOverTrainingsOnShutdown();
  const { connection, namespace } = await connectWorkers();
  try {
    const queues = taskQueues();
    await observability.serve(connection, namespace, kinds.map((kind) => ({ name: queues[kind], workflows: kind === 'control' })));
    const workers = await Promise.all(kinds.map((kind) => createWorker(kind, { connection, namespace, observability })));
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await observability.close();
    await connection.close();
  }
}

/** A worker entrypoint's last word: through the worker's logger (one JSON line where logs are JSON), then exit 1. */
export function exitOnWorkerError(err: unknown): never {
  const logger = runtimeLogger();
  if (logger) logger.error('worker stopped', { error: err });
  else console.error(err);
  process.exit(1);
}
