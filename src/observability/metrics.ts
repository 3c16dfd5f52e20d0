import type { Context } from '@temporalio/activity';
import { CancelledFailure, CompleteAsyncError } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { trainingTokensPerSecond } from './training-throughput';

export type ActivityOutcome = 'completed' | 'failed' | 'cancelled' | 'async';

/** Activities last from milliseconds (a gate) to days (a training): buckets in seconds across that range. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400, 43_200, 172_800];

/**
 * The Prometheus metrics of one worker process (prom-client, a registry of its own):
 *
 * - `tempered_activity_duration_seconds{activity_type, task_queue, outcome}`: each activity attempt's run time, by
 *   outcome (completed, failed, cancelled, async), measured by an activity interceptor
 * - `tempered_task_queue_backlog{task_queue}`: the server's approximate backlog of each queue this process serves
 * - `tempered_gpu_slots` and `tempered_gpu_slots_in_use`: a gpu worker's TEMPERED_GPU_SLOTS and how many run now
 * - `tempered_training_tokens_per_second`: the trainer's throughput, over every training of this process
 * - Node's process metrics (`process_*`, `nodejs_*`)
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly taskQueueBacklog: Gauge<'task_queue'>;
  private readonly activityDuration: Histogram<'activity_type' | 'task_queue' | 'outcome'>;
  private gpu: { slots: Gauge; inUse: Gauge } | null = null;
  private gpuRunning = 0;

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.activityDuration = new Histogram({
      name: 'tempered_activity_duration_seconds',
      help: 'Run time of each activity attempt on this worker, by activity type, task queue and outcome.',
      labelNames: ['activity_type', 'task_queue', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [this.registry],
    });
    this.taskQueueBacklog = new Gauge({
      name: 'tempered_task_queue_backlog',
      help: 'Approximate number of tasks waiting in each task queue this worker serves (workflow and activity tasks), as the server reports it.',
      labelNames: ['task_queue'],
      registers: [this.registry],
    });
  }

  /** Declares this process a gpu worker with `slots` concurrent trainings (TEMPERED_GPU_SLOTS). */
  countGpuSlots(slots: number): void {
    if (!this.gpu) {
      this.gpu = {
        slots: new Gauge({ name: 'tempered_gpu_slots', help: 'Activities this gpu worker runs at once (TEMPERED_GPU_SLOTS).', registers: [this.registry] }),
        inUse: new Gauge({
          name: 'tempered_gpu_slots_in_use',
          help: 'Activities running on this gpu worker now, each holding one of its slots.',
          registers: [this.registry],
          collect: () => this.gpu?.inUse.set(this.gpuRunning),
        }),
      };
      new Gauge({
        name: 'tempered_training_tokens_per_second',
        help: 'Training throughput of this worker: the sum over its running trainings of the tokens per second of their last logged steps.',
        registers: [this.registry],
        collect() {
          this.set(trainingTokensPerSecond());
        },
      });
    }
    this.gpu.slots.set(slots);
  }

  /** An activity interceptor timing every attempt; `gpu` also counts the attempts as gpu slots in use. */
  activityInterceptors(options: { gpu: boolean }): ActivityInterceptorsFactory {
    return (ctx) => ({ inbound: new ActivityMetricsInterceptor(ctx, this, options.gpu) });
  }

  /** @internal Used by the interceptor. */
  recordActivity(ctx: Context, outcome: ActivityOutcome, seconds: number): void {
    this.activityDuration.observe({ activity_type: ctx.info.activityType, task_queue: ctx.info.taskQueue, outcome }, seconds);
  }

  /** @internal Used by the interceptor. */
  gpuSlotTaken(delta: 1 | -1): void {
    this.gpuRunning += delta;
  }
}

class ActivityMetricsInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly metrics: WorkerMetrics,
    private readonly gpu: boolean,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const started = process.hrtime.bigint();
    if (this.gpu) this.metrics.gpuSlotTaken(1);
    let outcome: ActivityOutcome = 'failed';
    try {
      const result = await next(input);
      outcome = 'completed';
      return result;
    } catch (err) {
      outcome = outcomeOf(err, this.ctx);
      throw err;
    } finally {
      if (this.gpu) this.metrics.gpuSlotTaken(-1);
      this.metrics.recordActivity(this.ctx, outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}

function outcomeOf(err: unknown, ctx: Context): ActivityOutcome {
  if (err instanceof CompleteAsyncError) return 'async';
  const aborted = err instanceof CancelledFailure || (err instanceof Error && err.name === 'AbortError');
  return aborted && ctx.cancellationSignal.aborted ? 'cancelled' : 'failed';
}
