import { patched } from '@temporalio/workflow';
import type { EvaluationResult, OutOfDomainResult, PreparedData, ResolvedPipeline, TrainingResult, VariantsTable } from '../../pipeline/types';
import { cpuActivities } from '../activities';
import type { PipelineTracker } from '../status';
import type { EvaluationGraphs } from './3-experiment';

/**
 * Phase 4: score the fine-tuned model on the held-out test split, the same way the baseline was scored; with
 * `evaluation.retrieval.arms`, also the base and the fine-tuned model with retrieval (RAG, hybrid); then every
 * arm against the base model on the same answers, with intervals and paired tests; and the fine-tuned model's other
 * exported graphs (4-bit, int4) against the evaluated one: what a smaller, faster graph changes.
 */
export async function evaluationPhase(
  tracker: PipelineTracker,
  pipeline: ResolvedPipeline,
  data: PreparedData,
  training: TrainingResult,
  baseline: EvaluationResult,
  graphs: EvaluationGraphs | null,
): Promise<EvaluationOutcome> {
  const { evaluateModel, compareArms, compareVariants, prepareOutOfDomainSet, measureOutOfDomainDrop } = cpuActivities(pipeline.queues);
  // The fine-tuned model as the runtime loads it: its ONNX graph, or for PyTorch the trained adapter or model.
  const fineTuned = graphs ? { graph: graphs.fineTuned } : { adapter: training.model };
  const base = graphs ? { graph: graphs.base } : {};
  /**
   * Evaluations time each answer as a served request, so they run one at a time: two side by side would share
   * the cores and inflate each other's response times. Runs started before went side by side.
   */
  const oneAtATime = patched('evaluations-one-at-a-time');
  const evaluateEach = async (inputs: Parameters<typeof evaluateModel>[0][]) => {
    if (!oneAtATime) return Promise.all(inputs.map((input) => evaluateModel(input)));
    const results: EvaluationResult[] = [];
    for (const input of inputs) results.push(await evaluateModel(input));
    return results;
  };
  return tracker.phase('evaluation', async (summary) => {
    const result = await evaluateModel({ spec: pipeline.spec, test: data.test, model: 'fine-tuned', ...fineTuned });
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
    // Runs started before the arms table go on without it.
    if (patched('evaluation-arms')) {
      const { retrieval } = pipeline.spec.evaluation;
      const armInputs = retrieval.arms
        ? [
            { spec: pipeline.spec, test: data.test, model: 'base' as const, ...base, retrieval: { train: data.train, k: retrieval.k } },
            { spec: pipeline.spec, test: data.test, model: 'fine-tuned' as const, ...fineTuned, retrieval: { train: data.train, k: retrieval.k } },
          ]
        : [];
      const withRetrieval = await evaluateEach(armInputs);
      const arms = await compareArms({ spec: pipeline.spec, base: baseline, arms: [result, ...withRetrieval] });
      tracker.status.arms = arms;
      for (const row of arms.rows) {
        const f1 = row.vsBase?.token_f1;
        summary[`${row.arm}TokenF1`] = round(row.metrics.token_f1);
        if (f1) summary[`${row.arm}VsBaseP`] = round(f1.pValue);
      }
    }
    // Runs started before variants were compared go on without them.
    let variants: VariantsTable | null = null;
    if (patched('evaluation-variants') && graphs && graphs.variants.length > 0 && pipeline.spec.evaluation.compare_variants) {
      const onVariants = await evaluateEach(graphs.variants.map(({ runtime, graph }) => ({ spec: pipeline.spec, test: data.test, model: 'fine-tuned' as const, graph, runtime })));
      variants = await compareVariants({ spec: pipeline.spec, reference: result, variants: onVariants });
      tracker.status.variants = variants;
      for (const row of variants.rows) {
        const f1 = row.vsReference?.token_f1;
        summary[`${row.runtime}SameAnswers`] = `${row.sameAnswers}/${row.samples}`;
        if (f1) summary[`${row.runtime}TokenF1Change`] = `${round(f1.difference)} [${round(f1.lower)}, ${round(f1.upper)}], p=${round(f1.pValue)}`;
      }
    }
    // Runs started before the out-of-domain set go on without it.
    let outOfDomain: OutOfDomainResult | null = null;
    const set = pipeline.spec.evaluation.out_of_domain;
    if (patched('out-of-domain') && set) {
      const questions = await prepareOutOfDomainSet({ spec: pipeline.spec });
      const maxSamples = set.max_samples ?? pipeline.spec.evaluation.max_samples;
      const [onBase, onFineTuned] = await evaluateEach([
          { spec: pipeline.spec, test: questions, model: 'base', ...base, maxSamples },
          { spec: pipeline.spec, test: questions, model: 'fine-tuned', ...fineTuned, maxSamples },
        ]);
      outOfDomain = await measureOutOfDomainDrop({ spec: pipeline.spec, base: onBase, fineTuned: onFineTuned });
      tracker.status.outOfDomain = outOfDomain;
      const change = outOfDomain.tokenF1Change;
      summary.outOfDomainTokenF1 = `${round(outOfDomain.base.token_f1)} -> ${round(outOfDomain.fineTuned.token_f1)} (${round(change.difference)} [${round(change.lower)}, ${round(change.upper)}], p=${round(change.pValue)})`;
      summary.outOfDomainRelativeDrop = round(outOfDomain.relativeDrop);
    }
    Object.assign(tracker.status.metrics, {
      accuracy: m.accuracy,
      token_f1: m.token_f1,
      response_time_p95: m.response_time,
      consistency: m.consistency,
      test_loss: m.loss,
    });
    return { result, outOfDomain, variants };
  });
}

export interface EvaluationOutcome {
  /** The fine-tuned model on the test split, as the gate judges it. */
  result: EvaluationResult;
  outOfDomain: OutOfDomainResult | null;
  /** The fine-tuned model's other exported graphs against the evaluated one, when compared. */
  variants: VariantsTable | null;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
