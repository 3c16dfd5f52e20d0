import { ApplicationFailure, patched } from '@temporalio/workflow';
import type { ArtifactRef, EvaluationResult, ExportResult, PhaseStatus, PreparedData, ResolvedPipeline, SweepResult, TrainingResult } from '../../pipeline/types';
import { ONNX_RUNTIMES, type OnnxRuntimeName } from '../../pipeline/runtimes';
import { describeTrial } from '../../pipeline/sweep';
import { cpuActivities, gpuActivities } from '../activities';
import type { PipelineTracker } from '../status';
import { runSweep, trainedPipeline } from '../sweep';

export interface ExperimentOutcome {
  baseline: EvaluationResult;
  training: TrainingResult;
  /** Every trial, when the spec asked for a sweep; `training` is then the best trial's. */
  sweep: SweepResult | null;
  /** The deployable forms of the trained model (merged, ONNX, quantized ONNX) with their lineage. */
  exports: ExportResult | null;
  /** The ONNX graphs evaluation runs, base and fine-tuned; null when it runs the PyTorch models. */
  graphs: EvaluationGraphs | null;
}

export interface EvaluationGraphs {
  base: ArtifactRef;
  fineTuned: ArtifactRef;
  /** The fine-tuned model's other exported ONNX graphs, which evaluation compares with `fineTuned`. */
  variants: { runtime: OnnxRuntimeName; graph: ArtifactRef }[];
}

/**
 * Phase 3: measure the base model first, then fine-tune it on a gpu worker, once or as a sweep of trials, and
 * export the best checkpoint in the forms evaluation and serving load.
 */
export async function experimentPhase(tracker: PipelineTracker, pipeline: ResolvedPipeline, data: PreparedData): Promise<ExperimentOutcome> {
  const { evaluateModel } = cpuActivities(pipeline.queues);
  const { fineTune, exportModel, exportBaseModel } = gpuActivities(pipeline.queues, pipeline.spec.training.heartbeat_timeout);
  return tracker.phase('experiment', async (summary) => {
    // Runs started before the ONNX runtime evaluate on PyTorch to the end.
    const runtime = patched('onnx-evaluation') ? pipeline.spec.evaluation.runtime : 'pytorch';
    let baseGraph: ArtifactRef | undefined;
    if (runtime !== 'pytorch') {
      const base = await exportBaseModel({ spec: pipeline.spec });
      baseGraph = base.graph;
      summary.baseExport = base.cached ? 'reused' : 'exported';
    }
    const baseline = await evaluateModel({ spec: pipeline.spec, test: data.test, model: 'base', graph: baseGraph });
    summary.evaluationRuntime = runtime;
    summary.baselineAccuracy = baseline.metrics.accuracy;
    tracker.status.metrics.baseline_accuracy = baseline.metrics.accuracy;
    tracker.status.metrics.baseline_loss = baseline.metrics.loss;

    const startedAt = Date.now();
    let training: TrainingResult;
    let sweep: SweepResult | null = null;
    if (pipeline.spec.training.sweep) {
      ({ training, sweep } = await runSweep(tracker, pipeline, data));
      const best = sweep.trials[sweep.bestTrial]!;
      summary.trials = sweep.trials.length;
      summary.failedTrials = sweep.trials.filter((t) => t.state === 'failed').length;
      summary.bestTrial = `${best.index}: ${describeTrial(best.params)}`;
    } else {
      training = await fineTune({ spec: pipeline.spec, train: data.train, validation: data.validation });
    }
    Object.assign(summary, {
      steps: training.steps,
      trainLoss: training.trainLoss,
      bestEvalLoss: training.bestEvalLoss,
      earlyStopped: training.earlyStopped,
      resumedFromStep: training.resumedFromStep,
    });
    compareWithEstimate(tracker, summary, (Date.now() - startedAt) / 1000, sweep ? sweep.trials.reduce((n, t) => n + (t.steps ?? 0), 0) : training.steps);
    if (training.forgetting) {
      const { heldOutLossBefore, heldOutLossAfter } = training.forgetting;
      Object.assign(summary, { heldOutLossBefore, heldOutLossAfter });
      if (heldOutLossBefore !== null) tracker.status.metrics.held_out_loss_before = heldOutLossBefore;
      if (heldOutLossAfter !== null) tracker.status.metrics.held_out_loss_after = heldOutLossAfter;
    }
    tracker.status.metrics.train_loss = training.trainLoss;
    if (training.bestEvalLoss !== null) tracker.status.metrics.eval_loss = training.bestEvalLoss;

    // Runs started before exports existed go on without them (their specs have no export section).
    const { spec } = trainedPipeline(pipeline, sweep);
    let exports: ExportResult | null = null;
    if (patched('model-export') && (spec.export.merged || spec.export.onnx || spec.export.onnx_quantized || spec.export.onnx_genai)) {
      exports = await exportModel({ spec, specHash: pipeline.specHash, data: { train: data.train, validation: data.validation, test: data.test }, training });
      summary.exported = [exports.merged && 'merged', exports.onnx && 'onnx', exports.onnxQuantized && 'onnx-quantized', exports.onnxGenai && 'onnx-genai'].filter(Boolean).join(', ');
    }
    let graphs: EvaluationGraphs | null = null;
    if (baseGraph) {
      const fineTuned = runtime === 'pytorch' ? null : exports?.[ONNX_RUNTIMES[runtime].key];
      // The spec refuses an ONNX runtime without its export, so this is a broken invariant, not bad input.
      if (!fineTuned) throw ApplicationFailure.nonRetryable(`evaluation.runtime ${runtime}: the export has no ${runtime} graph`, 'InvalidPipelineSpec');
      const variants = (Object.keys(ONNX_RUNTIMES) as OnnxRuntimeName[]).flatMap((name) => {
        const graph = name === runtime ? null : exports?.[ONNX_RUNTIMES[name].key];
        return graph ? [{ runtime: name, graph }] : [];
      });
      graphs = { base: baseGraph, fineTuned, variants };
    }
    return { baseline, training, sweep, exports, graphs };
  });
}

/** Puts what training took next to what the data phase estimated, so the next plan can be trusted or corrected. */
function compareWithEstimate(tracker: PipelineTracker, summary: PhaseStatus['summary'], actualS: number, actualSteps: number): void {
  const estimate = tracker.status.estimate;
  if (!estimate) return;
  const ratio = estimate.seconds ? Math.round((actualS / estimate.seconds) * 100) / 100 : null;
  estimate.actual = { estimatedS: estimate.seconds, actualS: Math.round(actualS), ratio, estimatedSteps: estimate.steps, actualSteps };
  Object.assign(summary, { trainingS: Math.round(actualS), estimatedTrainingS: estimate.seconds, estimateRatio: ratio });
  tracker.status.metrics.training_s = Math.round(actualS);
}
