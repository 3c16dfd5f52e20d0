import type { PipelineInput, PipelineResult } from '../pipeline/types';
import { plannedFacts } from '../report/run-facts';
import { planningPhase } from './phases/1-planning';
import { dataPhase } from './phases/2-data';
import { experimentPhase } from './phases/3-experiment';
import { evaluationPhase } from './phases/4-evaluation';
import { ApprovalInbox, deploymentPhase } from './phases/5-deployment';
import { continuousImprovementPhase } from './phases/6-continuous-improvement';
import { recordRunReport } from './run-report';
import { PipelineTracker } from './status';
import { trainedPipeline } from './sweep';

/**
 * The lifecycle of one fine-tuning project, phase by phase. Start it with one JSON object,
 * e.g. `{ "pipeline": "customer-support-demo" }`, from the CLI, the Web UI or a schedule.
 */
export async function fineTuningPipeline(input: PipelineInput): Promise<PipelineResult> {
  const tracker = new PipelineTracker(typeof input.pipeline === 'string' ? input.pipeline : '(inline)');
  const inbox = new ApprovalInbox();
  let result: PipelineResult;
  try {
    result = await sixPhases(tracker, inbox, input);
  } catch (err) {
    await recordRunReport(tracker, null, err);
    throw err;
  }
  return { ...result, report: await recordRunReport(tracker, result) };
}

/** The phases in order; the tracker keeps what each produced for the status query and the run report. */
async function sixPhases(tracker: PipelineTracker, inbox: ApprovalInbox, input: PipelineInput): Promise<PipelineResult> {
  const { pipeline, plan } = await planningPhase(tracker, input);
  tracker.keep(plannedFacts(pipeline, plan));
  const data = await dataPhase(tracker, pipeline, plan);
  tracker.keep({ data });
  const { baseline, training, sweep, exports, graphs } = await experimentPhase(tracker, pipeline, data);
  tracker.keep({ baseline, training, exports });
  const trained = trainedPipeline(pipeline, sweep);
  const { result: fineTuned, outOfDomain, variants } = await evaluationPhase(tracker, trained, data, training, baseline, graphs);
  tracker.keep({ fineTuned });
  const deployment = await deploymentPhase(tracker, inbox, trained, data, training, exports, { baseline, fineTuned, outOfDomain }, graphs);
  tracker.keep(deployment);

  let monitoringWorkflowId: string | null = null;
  if (deployment.modelVersion) {
    monitoringWorkflowId = await continuousImprovementPhase(tracker, pipeline, input, deployment.modelVersion);
  } else {
    tracker.skip('continuous-improvement', 'nothing was deployed');
  }

  const outcome = deployment.modelVersion ? 'deployed' : deployment.gate.passed ? 'rejected' : 'gate-failed';
  tracker.status.outcome = outcome;
  tracker.finish();
  return {
    pipeline: pipeline.spec.name,
    outcome,
    plan,
    data: data.counts,
    baseline: baseline.metrics,
    fineTuned: fineTuned.metrics,
    evaluationRuntime: fineTuned.runtime ?? 'pytorch',
    intervals: { baseline: baseline.intervals ?? null, fineTuned: fineTuned.intervals ?? null },
    training: {
      steps: training.steps,
      trainLoss: training.trainLoss,
      finalLoss: training.finalLoss ?? null,
      bestEvalLoss: training.bestEvalLoss,
      bestStep: training.bestStep ?? null,
      earlyStopped: training.earlyStopped,
      resumedFromStep: training.resumedFromStep,
      curve: training.curve ?? null,
    },
    sweep,
    estimate: tracker.status.estimate,
    arms: tracker.status.arms,
    outOfDomain,
    variants,
    exports,
    gate: deployment.gate,
    approval: deployment.approval,
    modelVersion: deployment.modelVersion,
    abTestWorkflowId: deployment.abTestWorkflowId,
    monitoringWorkflowId,
  };
}
