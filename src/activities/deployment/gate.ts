import { openArtifactStore } from '../../artifacts/store';
import { checkSignificantlyBetter, checkThreshold, meetsThreshold } from '../../evaluation/gate-on-intervals';
import type { EvaluationResult, GateCheck, GateResult, OutOfDomainResult, PipelineSpec } from '../../pipeline/types';
import type { Threshold } from '../../spec/schema';
import { pairedComparisons } from '../evaluation/compare-arms';
import type { ReadinessResult } from '../evaluation/readiness';

export interface GateInput {
  spec: PipelineSpec;
  baseline: EvaluationResult;
  fineTuned: EvaluationResult;
  /** The production readiness checks of the model to deploy; each must pass. Absent in runs from before them. */
  readiness?: ReadinessResult | null;
  /** Both models on the out-of-domain set; its drop is held to evaluation.out_of_domain.max_relative_drop. */
  outOfDomain?: OutOfDomainResult | null;
}

/**
 * The deployment gate: every success metric of the requirements against the fine-tuned model's scores (the
 * value, or the worst end of its interval), plus, when asked, a better score than the base model, and a
 * significantly better one. The evidence is stored so an approver sees it.
 */
export async function applyGate({ spec, baseline, fineTuned, readiness, outOfDomain }: GateInput): Promise<GateResult> {
  const store = openArtifactStore();
  const comparisons = await pairedComparisons(store, baseline.report, fineTuned.report, spec.data.split.seed);
  const checks = gateChecks(spec, baseline.metrics, fineTuned.metrics, fineTuned.intervals);
  if (spec.deployment.gate.require_significant_improvement) {
    const tokenF1 = comparisons?.token_f1;
    if (!tokenF1) throw new Error('the evaluation reports hold no per-answer scores to compare the two models on; evaluate both models again');
    checks.push(toGateCheck(checkSignificantlyBetter('token_f1', tokenF1, { alpha: spec.deployment.gate.alpha })));
  }
  if (outOfDomain && outOfDomain.maxRelativeDrop !== null) {
    const { relativeDrop, maxRelativeDrop, tokenF1Change } = outOfDomain;
    checks.push({ metric: 'out_of_domain_relative_drop', value: relativeDrop, op: '<=', threshold: maxRelativeDrop, passed: relativeDrop <= maxRelativeDrop, pValue: tokenF1Change.pValue });
  }
  // Pass/fail items of the checklist, held to "passed" like a metric to its threshold; their figures are in the report.
  for (const check of readiness?.checks ?? []) checks.push({ metric: check.name, value: Number(check.passed), op: '>=', threshold: 1, passed: check.passed, mode: 'readiness' });
  const passed = checks.every((c) => c.passed);
  const evidence = await store.putJson({
    kind: 'tempered.gate-evidence/v1',
    pipeline: spec.name,
    passed,
    checks,
    comparisonsWithBaseline: comparisons,
    outOfDomain: outOfDomain ?? null,
    readiness: readiness ? { passed: readiness.passed, checks: readiness.checks, report: readiness.report } : null,
    baseline: { metrics: baseline.metrics, intervals: baseline.intervals ?? null, samples: baseline.samples, predictions: baseline.predictions, report: baseline.report },
    fineTuned: { metrics: fineTuned.metrics, intervals: fineTuned.intervals ?? null, samples: fineTuned.samples, predictions: fineTuned.predictions, report: fineTuned.report },
  });
  return { passed, checks, evidence };
}

export function gateChecks(
  spec: PipelineSpec,
  baseline: EvaluationResult['metrics'],
  tuned: EvaluationResult['metrics'],
  intervals?: EvaluationResult['intervals'],
): GateCheck[] {
  const checks: GateCheck[] = [];
  const metrics = spec.requirements.success_metrics;
  const mode = spec.deployment.gate.compare_on;
  const add = (metric: 'accuracy' | 'response_time' | 'consistency' | 'format_validity', t: Threshold | undefined) => {
    if (!t) return;
    // A run whose evaluation did not measure the metric fails it rather than passing unmeasured.
    const value = tuned[metric] ?? NaN;
    const interval = intervals?.[metric];
    if (!interval) {
      if (mode === 'interval') throw new Error(`deployment.gate.compare_on is interval, and the evaluation measured no interval for ${metric}`);
      checks.push({ metric, value, op: t.op, threshold: t.value, passed: meetsThreshold(value, t) });
      return;
    }
    checks.push(toGateCheck(checkThreshold(metric, { estimate: value, ...interval }, t, mode)));
  };
  add('accuracy', metrics.accuracy);
  add('response_time', metrics.response_time);
  add('consistency', metrics.consistency);
  add('format_validity', metrics.format_validity);
  if (spec.deployment.gate.require_improvement_over_baseline) {
    // Token F1 moves with every better word, so small test sets still show a real difference.
    checks.push({ metric: 'token_f1_gain_over_baseline', value: tuned.token_f1 - baseline.token_f1, op: '>', threshold: 0, passed: tuned.token_f1 - baseline.token_f1 > 0 });
  }
  return checks;
}

function toGateCheck(e: ReturnType<typeof checkThreshold>): GateCheck {
  return {
    metric: e.metric,
    value: e.value,
    op: e.op,
    threshold: e.threshold,
    passed: e.passed,
    interval: e.interval,
    compared: e.compared,
    mode: e.mode,
    ...(e.pValue !== undefined ? { pValue: e.pValue, alpha: e.alpha } : {}),
  };
}
