import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { WorkerMetrics } from './metrics';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { installWorkerRuntime, type WorkerRuntime } from './runtime';
import type { ObservabilitySettings } from './settings';
import { TaskQueueBacklog, type WatchedQueue } from './task-queue-backlog';
import { startTracing, type WorkerTracing } from './tracing';

/** What observes the workers of one process; either part may be off. */
export interface WorkerObservability {
  metrics: WorkerMetrics | null;
  tracing: WorkerTracing | null;
}

/**
 * The interceptors and sinks one worker gets: the metrics' timing interceptor (outermost, so it times the whole
 * attempt) and the tracing interceptors. `gpuSlots` is the worker's TEMPERED_GPU_SLOTS on a gpu worker, else null.
 */
export function observedWorkerOptions(observability: WorkerObservability | undefined, gpuSlots: number | null): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const metrics = observability?.metrics ?? null;
  const tracing = observability?.tracing ?? null;
  if (metrics && gpuSlots !== null) metrics.countGpuSlots(gpuSlots);
  return {
    interceptors: {
      activity: [...(metrics ? [metrics.activityInterceptors({ gpu: gpuSlots !== null })] : []), ...(tracing?.interceptors.activity ?? [])],
      workflowModules: tracing?.interceptors.workflowModules ?? [],
      ...(tracing ? { client: tracing.interceptors.client } : {}),
    },
    ...(tracing ? { sinks: tracing.sinks } : {}),
  };
}

/**
 * Logging, metrics and tracing of a worker process, from its settings: the runtime is installed first (before any
 * connection), then, once connected, the metrics server and the backlog poller start.
 */
export class ProcessObservability implements WorkerObservability {
  private server: MetricsServer | null = null;
  private backlog: TaskQueueBacklog | null = null;

  private constructor(
    readonly settings: ObservabilitySettings,
    readonly runtime: WorkerRuntime,
    readonly metrics: WorkerMetrics | null,
    readonly tracing: WorkerTracing | null,
  ) {}

  static async start(settings: ObservabilitySettings, serviceName: string): Promise<ProcessObservability> {
    const runtime = await installWorkerRuntime(settings);
    const metrics = settings.metricsPort === null ? null : new WorkerMetrics();
    return new ProcessObservability(settings, runtime, metrics, startTracing(settings, serviceName));
  }

  /** Serves `/metrics` and polls the backlog of the queues this process serves; nothing without a metrics port. */
  async serve(connection: NativeConnection, namespace: string, queues: WatchedQueue[]): Promise<void> {
    if (!this.metrics || this.settings.metricsPort === null) return;
    this.backlog = new TaskQueueBacklog(connection.workflowService, namespace, queues, this.metrics.taskQueueBacklog, this.runtime.logger);
    this.backlog.start();
    this.server = await startMetricsServer({
      host: this.settings.metricsHost,
      port: this.settings.metricsPort,
      registry: this.metrics.registry,
      sdkMetricsAddress: this.runtime.sdkMetricsAddress,
      logger: this.runtime.logger,
    });
  }

  /** Stops polling and serving, and exports the spans still buffered. */
  async close(): Promise<void> {
    await this.backlog?.stop();
    await this.server?.close();
    await this.tracing?.shutdown();
  }
}
