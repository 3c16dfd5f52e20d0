import type { EvaluationResult, PreparedData, ResolvedPipeline, TrainingResult } from '../../pipeline/types';
import { cpuActivities, gpuActivities } from '../activities';
import type { PipelineTracker } from '../status';

export interface ExperimentOutcome {
  baseline: EvaluationResult;
  training: TrainingResult;
}

/** Phase 3: measure the base model first, then fine-tune it on a gpu worker. */
export async function experimentPhase(tracker: PipelineTracker, pipeline: ResolvedPipeline, data: PreparedData): Promise<ExperimentOutcome> {
  const { evaluateModel } = cpuActivities(pipeline.queues);
  const { fineTune } = gpuActivities(pipeline.queues, pipeline.spec.training.heartbeat_timeout);
  return tracker.phase('experiment', async (summary) => {
    const baseline = await evaluateModel({ spec: pipeline.spec, test: data.test, model: 'base' });
    summary.baselineAccuracy = baseline.metrics.accuracy;
    tracker.status.metrics.baseline_accuracy = baseline.metrics.accuracy;
    tracker.status.metrics.baseline_loss = baseline.metrics.loss;

    const training = await fineTune({ spec: pipeline.spec, train: data.train, validation: data.validation });
    Object.assign(summary, {
      steps: training.steps,
      trainLoss: training.trainLoss,
      bestEvalLoss: training.bestEvalLoss,
      earlyStopped: training.earlyStopped,
      resumedFromStep: training.resumedFromStep,
    });
    tracker.status.metrics.train_loss = training.trainLoss;
    if (training.bestEvalLoss !== null) tracker.status.metrics.eval_loss = training.bestEvalLoss;
    return { baseline, training };
  });
}
