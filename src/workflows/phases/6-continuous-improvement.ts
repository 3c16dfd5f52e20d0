import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { ModelVersion, PipelineInput, ResolvedPipeline } from '../../pipeline/types';
import { monitoringWorkflow } from '../monitoring';
import type { PipelineTracker } from '../status';

/**
 * Phase 6: start the monitoring loop of the deployed version. It outlives this pipeline (abandoned child)
 * and runs for months, continuing as new to keep its history small.
 */
export async function continuousImprovementPhase(
  tracker: PipelineTracker,
  pipeline: ResolvedPipeline,
  input: PipelineInput,
  modelVersion: ModelVersion,
): Promise<string | null> {
  const { monitoring } = pipeline.spec;
  if (!monitoring.enabled) {
    tracker.skip('continuous-improvement', 'monitoring disabled in the spec');
    return null;
  }
  return tracker.phase('continuous-improvement', async (summary) => {
    const workflowId = `monitor-${modelVersion.name}-v${modelVersion.version}`;
    try {
      await startChild(monitoringWorkflow, {
        workflowId,
        taskQueue: workflowInfo().taskQueue,
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        args: [{ pipeline: pipeline.spec.name, modelVersion: modelVersion.version, retrainInput: input, monitoring, queues: pipeline.queues }],
      });
    } catch (err) {
      // A rerun that reproduced an already registered version finds its loop running: one loop per version.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      summary.alreadyMonitored = true;
    }
    summary.monitoringWorkflowId = workflowId;
    summary.interval = monitoring.interval;
    summary.retraining = monitoring.retraining.trigger;
    return workflowId;
  });
}
