import { isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import type { PipelineResult } from '../pipeline/types';
import type { StoredRunReport } from '../report/run-facts';
import { storeRunReport } from './activities';
import type { PipelineTracker } from './status';

/**
 * Stores the run's report at its end, succeeded or failed, and records where it is (or why it could not be made)
 * in the status. A report that cannot be made never fails a run that otherwise succeeded.
 */
export async function recordRunReport(tracker: PipelineTracker, result: PipelineResult | null, error: unknown = null): Promise<StoredRunReport | null> {
  // A cancelled run ends at once; one refused at planning has nothing to report beyond its error.
  if (error !== null && (isCancellation(error) || !tracker.status.facts?.plan)) return null;
  // Runs started before reports end without one.
  if (!patched('run-report')) return null;
  const { workflowId, runId } = workflowInfo();
  let stored: StoredRunReport;
  try {
    const artifact = await storeRunReport({ workflowId, runId, status: tracker.status, result, failure: error === null ? null : innermostMessage(error) });
    stored = { artifact, error: null };
  } catch (err) {
    if (isCancellation(err)) throw err;
    stored = { artifact: null, error: innermostMessage(err) };
    tracker.status.warnings.push(`the run report could not be made: ${stored.error}`);
  }
  tracker.status.report = stored;
  return stored;
}

/** The innermost cause's message: where an activity said what went wrong. */
function innermostMessage(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}
