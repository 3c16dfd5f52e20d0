import { proxyActivities } from '@temporalio/workflow';
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

export function gpuActivities(queues: TaskQueues) {
  return proxyActivities<typeof gpu>({
    taskQueue: queues.gpu,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: '2 minutes',
    // A retried training resumes from the checkpoint its last attempt heartbeated.
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
  });
}
