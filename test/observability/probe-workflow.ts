import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';

/** Activities the metrics tests run on workers of their own: held until released, held until cancelled, refused. */
export interface ProbeActivities {
  hold(key: string): Promise<string>;
  holdUntilCancelled(key: string): Promise<string>;
  refuse(reason: string): Promise<string>;
}

const probes = proxyActivities<ProbeActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
  // The workflow ends only once the activity has seen its cancellation, so the test reads its outcome after.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** One activity of the probe's choice, its result the workflow's. */
export async function probeWorkflow(activity: keyof ProbeActivities, arg: string): Promise<string> {
  return await probes[activity](arg);
}
