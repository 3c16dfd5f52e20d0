import type { Duration } from '@temporalio/common';
import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type * as control from '../activities/control';
import type * as cpu from '../activities/cpu';
import type * as gpu from '../activities/gpu';
import { NON_RETRYABLE_FAILURES } from '../failures';
import type { TaskQueues } from '../pipeline/types';

/**
 * Proxies of the cpu and gpu activities, on the queues the pipeline resolved. Long activities heartbeat:
 * a silent worker is a lost worker, and the retry starts on another one.
 */
export function cpuActivities(queues: TaskQueues) {
  return proxyActivities<typeof cpu>({
    taskQueue: queues.cpu,
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: '2 minutes',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
  });
}

/**
 * The gpu activities. A retried training resumes from the checkpoint its last attempt heartbeated, so a lost
 * or moved worker costs one checkpoint interval; `heartbeatTimeout` (the spec's training.heartbeat_timeout) is
 * how long a silent trainer may take before its attempt counts as lost. On cancellation the workflow waits for
 * the trainer's last checkpoint to be stored.
 */
export function gpuActivities(queues: TaskQueues, heartbeatTimeout: string) {
  return proxyActivities<typeof gpu>({
    taskQueue: queues.gpu,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: heartbeatTimeout as Duration,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
  });
}

/**
 * The run report, rendered and stored at the end of a run on the control queue. A few retries: a report that
 * cannot be made is recorded in the status, never a reason to fail the run.
 */
export const { storeRunReport } = proxyActivities<typeof control>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});
