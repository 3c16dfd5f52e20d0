import { openArtifactStore } from '../../artifacts/store';
import type { ArtifactRef, PipelineResult, PipelineStatus } from '../../pipeline/types';
import { collectRunReport } from '../../report/collect-report';
import { renderRunReport } from '../../report/render-report';

export interface RunReportInput {
  workflowId: string;
  runId: string;
  /** The pipeline's status at its end: phases, facts and the references the report reads. */
  status: PipelineStatus;
  /** The result of a run that succeeded; null for a failed one. */
  result: PipelineResult | null;
  /** Why the run failed, for a failed one. */
  failure: string | null;
}

/**
 * Renders the run report (one self-contained HTML file: plan, data quality, loss curves, evaluation arms, readiness,
 * gate, approval, A/B test, lineage) from the run's status and the artifacts it references, and stores it.
 */
export async function storeRunReport({ workflowId, runId, status, result, failure }: RunReportInput): Promise<ArtifactRef> {
  const store = openArtifactStore();
  const report = await collectRunReport({ workflowId, runId, state: failure === null ? 'COMPLETED' : 'FAILED', status, result, failure }, store);
  return store.putBytes(renderRunReport(report), { mediaType: 'text/html; charset=utf-8' });
}
