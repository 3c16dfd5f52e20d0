import { patched, proxyActivities } from '@temporalio/workflow';
import type * as control from '../../activities/control';
import { NON_RETRYABLE_FAILURES } from '../../failures';
import type { Plan, PreparedData, ResolvedPipeline } from '../../pipeline/types';
import { cpuActivities } from '../activities';
import type { PipelineTracker } from '../status';

const { estimateTraining } = proxyActivities<typeof control>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

/**
 * Phase 2: collect the sources, check their quality (completeness, consistency, accuracy, diversity,
 * duplicates, PII, contamination), split 80/10/10 without leakage. Bad data stops the run here, before any
 * GPU time is spent; good data refines the plan with the training time and cost it will take.
 */
export async function dataPhase(tracker: PipelineTracker, pipeline: ResolvedPipeline, plan: Plan): Promise<PreparedData> {
  const { prepareData, measureTokenLengths } = cpuActivities(pipeline.queues);
  return tracker.phase('data', async (summary) => {
    const data = await prepareData({ spec: pipeline.spec, baseDir: pipeline.baseDir });
    Object.assign(summary, {
      collected: data.counts.collected,
      kept: data.counts.kept,
      train: data.counts.train,
      validation: data.counts.validation,
      test: data.counts.test,
      redacted: data.counts.redacted,
      completeness: round(data.scores.completeness),
      consistency: round(data.scores.consistency),
      accuracy: round(data.scores.accuracy),
      duplicateRate: round(data.scores.duplicate_rate),
      cached: data.cached,
      // Production answers learnt from, and those dropped for repeating a held-out question.
      ...(data.counts.feedback !== undefined ? { feedback: data.counts.feedback, contaminated: data.counts.dropped.contaminated ?? 0 } : {}),
    });
    Object.assign(tracker.status.metrics, {
      data_completeness: data.scores.completeness,
      data_consistency: data.scores.consistency,
      data_accuracy: data.scores.accuracy,
      data_duplicate_rate: data.scores.duplicate_rate,
      data_distinct_2: data.scores.distinct_2,
      data_category_balance: data.scores.category_balance,
      ...(data.scores.contamination !== null ? { data_contamination: data.scores.contamination } : {}),
    });
    // Lengths in the base model's own tokens: what the trainer will cut at data.max_length.
    const tokens = await measureTokenLengths({ spec: pipeline.spec, splits: [data.train, data.validation, data.test] });
    Object.assign(summary, { tokensP95: tokens.p95, truncated: tokens.truncated });
    Object.assign(tracker.status.metrics, { data_tokens_p95: tokens.p95, data_truncated: tokens.truncated });
    if (tokens.truncated > 0) {
      tracker.status.warnings.push(
        `${tokens.truncated} of ${tokens.records} examples are longer than data.max_length ${tokens.maxLength} tokens (longest ${tokens.max}); training cuts them short`,
      );
    }
    // Runs started before estimates existed go on without one.
    if (patched('training-estimate')) {
      const estimate = await estimateTraining({ spec: pipeline.spec, trainExamples: data.counts.train, tokens });
      tracker.status.estimate = { ...estimate, actual: null };
      Object.assign(summary, { estimatedTrainingS: estimate.seconds, estimatedCostUsd: estimate.costUsd });
      if (estimate.seconds !== null) tracker.status.metrics.estimated_training_s = estimate.seconds;
    }
    if (data.counts.kept < plan.minimumExamples) {
      tracker.status.warnings.push(
        `dataset has ${data.counts.kept} examples; the guideline for ${pipeline.spec.training.method} is ${plan.minimumExamples}+`,
      );
    }
    return data;
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
