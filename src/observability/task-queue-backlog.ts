import type { Logger } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Gauge } from 'prom-client';

type WorkflowService = Pick<temporal.api.workflowservice.v1.WorkflowService, 'describeTaskQueue'>;

export interface WatchedQueue {
  name: string;
  /** A queue a control worker serves holds workflow tasks as well as activity tasks. */
  workflows: boolean;
}

/** How often the server is asked; its backlog figure is approximate and refreshed about this often anyway. */
export const BACKLOG_POLL_MS = 5_000;

/**
 * Polls the server's approximate backlog of each watched task queue (DescribeTaskQueue with `reportStats`, workflow
 * and activity tasks added) into `tempered_task_queue_backlog{task_queue}`, the figure an autoscaler adds workers
 * on. A failed poll leaves the last figures and is logged once until a poll succeeds again.
 */
export class TaskQueueBacklog {
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly service: WorkflowService,
    private readonly namespace: string,
    private readonly queues: WatchedQueue[],
    private readonly gauge: Gauge<'task_queue'>,
    private readonly logger: Logger,
    private readonly intervalMs = BACKLOG_POLL_MS,
  ) {}

  start(): void {
    const tick = () => {
      this.polling = this.pollOnce().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
  }

  /** One poll of every watched queue; never throws. */
  async pollOnce(): Promise<void> {
    try {
      for (const queue of this.queues) this.gauge.set({ task_queue: queue.name }, await this.backlogOf(queue));
      if (this.failing) this.logger.info('task queue backlog readable again', { queues: this.queues.map((q) => q.name) });
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn('could not read the task queue backlog; tempered_task_queue_backlog keeps its last values', { error });
      this.failing = true;
    }
  }

  private async backlogOf(queue: WatchedQueue): Promise<number> {
    const { TaskQueueType } = temporal.api.enums.v1;
    const types = queue.workflows ? [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY] : [TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY];
    let total = 0;
    for (const taskQueueType of types) {
      const response = await this.service.describeTaskQueue({
        namespace: this.namespace,
        taskQueue: { name: queue.name, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType,
        reportStats: true,
      });
      total += count(response.stats?.approximateBacklogCount);
    }
    return total;
  }
}

/** int64 fields arrive as Long objects, which `Number()` turns into NaN. */
function count(value: { toNumber(): number } | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
