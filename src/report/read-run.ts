import { WorkflowFailedError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowNotFoundError } from '@temporalio/common';
import { failureMessage } from '../cli/output';
import type { AbTestState, PipelineResult, PipelineStatus } from '../pipeline/types';
import { abTestStateQuery, statusQuery } from '../workflows/messages';
import type { RunSnapshot } from './collect-report';
import type { StoredRunReport } from './run-facts';

/**
 * How long a query may take. A closed run's query is answered by a worker that replays its history, and a run
 * with no worker polling its queue is not answered at all: this bounds the wait.
 */
const QUERY_TIMEOUT_MS = 30_000;

/**
 * What Temporal knows of a pipeline run, for its report: its state, its status (the query), its result or failure,
 * what its running activities heartbeat, and the state of the A/B test it started.
 */
export async function readRunSnapshot(client: Client, workflowId: string): Promise<RunSnapshot> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw new Error(`no pipeline run with workflow id ${workflowId} in namespace ${client.options.namespace}`);
    throw err;
  });
  if (description.type !== 'fineTuningPipeline') {
    throw new Error(`${workflowId} is a ${description.type} workflow; tempered report reports pipeline runs (fineTuningPipeline)`);
  }
  const state = description.status.name;
  let result: PipelineResult | null = null;
  let failure: string | null = null;
  if (state === 'COMPLETED') result = (await handle.result()) as PipelineResult;
  else if (state !== 'RUNNING') failure = await handle.result().then(() => null, (err: unknown) => (err instanceof WorkflowFailedError ? failureMessage(err) : String(err)));

  let status: PipelineStatus | null = null;
  try {
    status = await withinDeadline(client, () => handle.query(statusQuery));
  } catch (err) {
    // A finished run's result holds most of the report; any other run's state is its status.
    if (state !== 'COMPLETED') {
      const who = state === 'RUNNING' ? 'its control worker answers' : 'a control worker answers by replaying the run';
      throw new Error(`${workflowId} is ${state}: its report comes from its status query, which ${who}, and none answered (${(err as Error).message}); start the workers (tempered dev) and try again`);
    }
  }
  const activities = (description.raw.pendingActivities ?? []).map((a) => {
    const payload = a.heartbeatDetails?.payloads?.[0];
    return { activity: a.activityType?.name ?? '?', details: payload ? (defaultPayloadConverter.fromPayload(payload) as Record<string, unknown>) : null };
  });
  const abTestWorkflowId = status?.facts?.abTestWorkflowId ?? result?.abTestWorkflowId ?? null;
  return {
    workflowId,
    runId: description.runId,
    state,
    status,
    result,
    failure,
    activities,
    abTest: abTestWorkflowId ? await readAbTestState(client, abTestWorkflowId) : null,
  };
}

/** The A/B test's tallies and decision: its result once decided, its query while it runs; null when neither answers. */
async function readAbTestState(client: Client, workflowId: string): Promise<AbTestState | null> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    const { status } = await handle.describe();
    if (status.name === 'COMPLETED') return (await handle.result()) as AbTestState;
    return await withinDeadline(client, () => handle.query(abTestStateQuery));
  } catch {
    return null;
  }
}

function withinDeadline<T>(client: Client, ask: () => Promise<T>): Promise<T> {
  return client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, ask);
}

/** The report a run stored at its end: a finished run's result, or a failed run's status, names it. */
export function storedReportOf(snapshot: RunSnapshot): StoredRunReport | null {
  return snapshot.result?.report ?? snapshot.status?.report ?? null;
}
