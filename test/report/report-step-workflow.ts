import type { PipelineResult } from '../../src/pipeline/types';
import type { StoredRunReport } from '../../src/report/run-facts';
import { recordRunReport } from '../../src/workflows/run-report';
import { PipelineTracker } from '../../src/workflows/status';

/** The pipeline's last step alone: a run that planned, then ends (or fails) and records its report. */
export async function reportStepWorkflow(input: { failure: string | null; planned: boolean }): Promise<{ report: StoredRunReport | null; warnings: string[]; status: StoredRunReport | null | undefined }> {
  const tracker = new PipelineTracker('tiny-support');
  if (input.planned) {
    tracker.keep({ plan: { approach: 'fine-tuning', reasons: [], warnings: [], parameters: null, gpuMemoryGb: null, minimumExamples: 1000, successMetrics: [] } });
  }
  const report = input.failure === null ? await recordRunReport(tracker, { pipeline: 'tiny-support' } as PipelineResult) : await recordRunReport(tracker, null, new Error(input.failure));
  return { report, warnings: tracker.status.warnings, status: tracker.status.report };
}
