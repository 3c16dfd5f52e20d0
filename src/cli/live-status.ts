import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { PipelineResult, PipelineStatus } from '../pipeline/types';
import { statusQuery } from '../workflows/messages';

export interface ActivityProgress {
  activity: string;
  /** Tells apart executions of one activity type (the evaluation of each arm); a retry keeps its id. */
  activityId?: string;
  attempt: number;
  details: Record<string, unknown> | null;
}

export interface LiveStatus {
  workflowStatus: string;
  /** The running pipeline's own account; null once it has closed (a query would need a worker to replay it). */
  status: PipelineStatus | null;
  /** The result of a completed pipeline. */
  result: PipelineResult | null;
  /** Heartbeat details of running activities: training step and loss, evaluation progress. */
  activities: ActivityProgress[];
}

/**
 * The pipeline's own status (query) plus what its running activities last heartbeated. Step-level progress
 * is read from heartbeats rather than signalled into the workflow, so it costs no history events.
 */
export async function readLiveStatus(handle: WorkflowHandle): Promise<LiveStatus> {
  const description = await handle.describe();
  const workflowStatus = description.status.name;
  let status: PipelineStatus | null = null;
  let result: PipelineResult | null = null;
  if (workflowStatus === 'RUNNING') {
    status = await handle.query(statusQuery).catch(() => null); // null until the first workflow task has run
  } else if (workflowStatus === 'COMPLETED') {
    result = (await handle.result()) as PipelineResult;
  }
  const activities = (description.raw.pendingActivities ?? []).map((a) => {
    const payload = a.heartbeatDetails?.payloads?.[0];
    return {
      activity: a.activityType?.name ?? '?',
      activityId: a.activityId ?? undefined,
      attempt: a.attempt ?? 1,
      details: payload ? (defaultPayloadConverter.fromPayload(payload) as Record<string, unknown>) : null,
    };
  });
  return { workflowStatus, status, result, activities };
}
