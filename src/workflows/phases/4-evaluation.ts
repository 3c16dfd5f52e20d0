import type { EvaluationResult, PreparedData, ResolvedPipeline, TrainingResult } from '../../pipeline/types';
import { cpuActivities } from '../activities';
import type { PipelineTracker } from '../status';

/** Phase 4: score the fine-tuned model on the held-out test split, the same way the baseline was scored. */
export async function evaluationPhase(
  tracker: PipelineTracker,
  pipeline: ResolvedPipeline,
  data: PreparedData,
  training: TrainingResult,
  baseline: EvaluationResult,
): Promise<EvaluationResult> {
  const { evaluateModel } = cpuActivities(pipeline.queues);
  return tracker.phase('evaluation', async (summary) => {
    const result = await evaluateModel({ spec: pipeline.spec, test: data.test, model: 'fine-tuned', adapter: training.model });
    const m = result.metrics;
    Object.assign(summary, {
      accuracy: m.accuracy,
      baselineAccuracy: baseline.metrics.accuracy,
      tokenF1: m.token_f1,
      responseTimeP95: m.response_time,
      consistency: m.consistency,
    });
    // The 95% intervals next to the points, so a reader sees how much the test split can tell.
    for (const [name, i] of Object.entries(result.intervals ?? {})) summary[`${name}95`] = `${round(i.lower)}..${round(i.upper)}`;
    Object.assign(tracker.status.metrics, {
      accuracy: m.accuracy,
      token_f1: m.token_f1,
      response_time_p95: m.response_time,
      consistency: m.consistency,
      test_loss: m.loss,
    });
    return result;
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
