import { CancellationScope, executeChild, isCancellation, workflowInfo } from '@temporalio/workflow';
import { fail } from '../failures';
import { describeTrial, sweepTrials, trialSpec } from '../pipeline/sweep';
import type { PreparedData, ResolvedPipeline, SweepResult, SweepTrial, TrainingResult } from '../pipeline/types';
import type { PipelineTracker } from './status';
import { trainingTrial } from './training-trial';

/**
 * Runs every trial of the spec's sweep as a child workflow, at most `max_parallel` at once, and keeps the
 * one with the lowest validation loss. A trial that fails or is cancelled on its own is recorded and the others
 * go on; the sweep fails only when no trial can be ranked. Cancelling the pipeline cancels the running trials,
 * which checkpoint.
 */
export async function runSweep(
  tracker: PipelineTracker,
  pipeline: ResolvedPipeline,
  data: PreparedData,
): Promise<{ training: TrainingResult; sweep: SweepResult }> {
  const sweep = pipeline.spec.training.sweep!;
  if (data.counts.validation === 0) {
    throw fail('SweepFailed', 'a sweep ranks its trials by validation loss, and the validation split is empty; add data or remove training.sweep');
  }
  const parent = workflowInfo().workflowId;
  const trials: SweepTrial[] = sweepTrials(sweep).map((params, index) => ({
    index,
    workflowId: `${parent}/trial-${index}`,
    params,
    state: 'pending',
    steps: null,
    trainLoss: null,
    bestEvalLoss: null,
    bestStep: null,
    earlyStopped: null,
    runtimeS: null,
    error: null,
  }));
  const progress: NonNullable<typeof tracker.status.sweep> = { strategy: sweep.strategy, trials, bestTrial: null };
  tracker.status.sweep = progress;
  const results = new Map<number, TrainingResult>();

  let next = 0;
  const lane = async () => {
    while (next < trials.length) {
      const trial = trials[next++]!;
      trial.state = 'running';
      try {
        const result = await executeChild(trainingTrial, {
          workflowId: trial.workflowId,
          args: [{ spec: trialSpec(pipeline.spec, trial.params), queues: pipeline.queues, train: data.train, validation: data.validation }],
        });
        results.set(trial.index, result);
        Object.assign(trial, {
          state: 'completed',
          steps: result.steps,
          trainLoss: result.trainLoss,
          bestEvalLoss: result.bestEvalLoss,
          bestStep: result.bestStep,
          earlyStopped: result.earlyStopped,
          runtimeS: result.runtimeS,
        });
        progress.bestTrial = bestOf(trials);
      } catch (err) {
        // Cancelling the pipeline ends the sweep; cancelling one trial (from the Web UI) only ends that trial.
        if (isCancellation(err) && CancellationScope.current().consideredCancelled) throw err;
        trial.state = 'failed';
        trial.error = isCancellation(err) ? 'cancelled' : messageOf(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(sweep.max_parallel, trials.length) }, lane));

  const best = bestOf(trials);
  if (best === null) {
    const reasons = trials.map((t) => `trial ${t.index} (${describeTrial(t.params)}): ${t.error ?? `no validation loss after ${t.steps} steps (evaluation runs every ${pipeline.spec.training.eval_steps})`}`);
    throw fail('SweepFailed', `no trial of the sweep can be ranked by validation loss:\n${reasons.join('\n')}`);
  }
  return { training: results.get(best)!, sweep: { strategy: sweep.strategy, trials, bestTrial: best } };
}

/** The pipeline as its model was trained: with a sweep, the winning trial's values, which lineage records. */
export function trainedPipeline(pipeline: ResolvedPipeline, sweep: SweepResult | null): ResolvedPipeline {
  if (!sweep) return pipeline;
  return { ...pipeline, spec: trialSpec(pipeline.spec, sweep.trials[sweep.bestTrial]!.params) };
}

/** The completed trial with the lowest validation loss; the earlier one on a tie. */
function bestOf(trials: SweepTrial[]): number | null {
  let best: SweepTrial | null = null;
  for (const t of trials) {
    if (t.state !== 'completed' || t.bestEvalLoss === null) continue;
    if (best === null || t.bestEvalLoss < best.bestEvalLoss!) best = t;
  }
  return best?.index ?? null;
}

/** The reason a trial failed, from the innermost cause (the activity's own failure). */
function messageOf(err: unknown): string {
  let cause: unknown = err;
  while (cause instanceof Error && cause.cause) cause = cause.cause;
  return cause instanceof Error ? cause.message : String(cause);
}
