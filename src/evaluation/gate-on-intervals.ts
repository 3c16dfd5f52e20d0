import type { PipelineSpec, Threshold } from '../spec/schema';
import type { Interval } from './statistics/bootstrap';
import type { PairedComparison } from './statistics/paired-test';

/**
 * How a success metric is held against its threshold: by the point estimate, or by the end of its
 * confidence interval that is the worst case for the threshold (the lower end for `>=`/`>`, the upper end
 * for `<=`/`<`), so that a small test set that only might reach the target does not pass.
 */
export type GateMode = 'point' | 'interval';

/** What an approver sees for one check. */
export interface IntervalGateEvidence {
  metric: string;
  /** Point estimate (for a comparison with the base model: the mean difference). */
  value: number;
  interval: { lower: number; upper: number; level: number };
  /** The number that was compared with the threshold: the point estimate, or an end of the interval. */
  compared: number;
  threshold: number;
  op: Threshold['op'];
  mode: GateMode | 'significance';
  /** Comparisons with the base model only. */
  pValue?: number;
  alpha?: number;
  passed: boolean;
}

export function checkThreshold(metric: string, estimate: Interval, threshold: Threshold, mode: GateMode): IntervalGateEvidence {
  const higherIsBetter = threshold.op === '>=' || threshold.op === '>';
  const compared = mode === 'point' ? estimate.estimate : higherIsBetter ? estimate.lower : estimate.upper;
  return {
    metric,
    value: estimate.estimate,
    interval: { lower: estimate.lower, upper: estimate.upper, level: estimate.level },
    compared,
    threshold: threshold.value,
    op: threshold.op,
    mode,
    passed: meetsThreshold(compared, threshold),
  };
}

/**
 * "Significantly better than the base model": the paired test's p-value is below alpha and the interval of
 * the difference lies wholly on the better side of 0 (above it when higher scores are better, below it for
 * a time or an error rate).
 */
export function checkSignificantlyBetter(metric: string, comparison: PairedComparison, { alpha = 0.05, better = 'higher' }: { alpha?: number; better?: 'higher' | 'lower' } = {}): IntervalGateEvidence {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`significance level alpha must be between 0 and 1 (e.g. 0.05), got ${alpha}`);
  const { difference, pValue } = comparison;
  const op = better === 'higher' ? '>' : '<';
  const compared = better === 'higher' ? difference.lower : difference.upper;
  return {
    metric: `${metric}_vs_base`,
    value: difference.estimate,
    interval: { lower: difference.lower, upper: difference.upper, level: difference.level },
    compared,
    threshold: 0,
    op,
    mode: 'significance',
    pValue,
    alpha,
    passed: pValue < alpha && meetsThreshold(compared, { op, value: 0 }),
  };
}

type SuccessMetrics = PipelineSpec['requirements']['success_metrics'];

export interface IntervalGateInput {
  successMetrics: SuccessMetrics;
  /** The evaluated arm's estimate of each metric: `response_time` is the p95 latency in seconds. */
  estimates: Partial<Record<keyof SuccessMetrics, Interval>>;
  mode: GateMode;
  /** Metrics on which the arm must be significantly better than the base model. */
  significance?: { metric: string; comparison: PairedComparison; better?: 'higher' | 'lower'; alpha?: number }[];
}

/** Every success metric of the spec, and every required comparison with the base model, with its evidence. */
export function gateOnIntervals({ successMetrics, estimates, mode, significance = [] }: IntervalGateInput): { passed: boolean; checks: IntervalGateEvidence[] } {
  const checks: IntervalGateEvidence[] = [];
  for (const metric of Object.keys(successMetrics) as (keyof SuccessMetrics)[]) {
    const threshold = successMetrics[metric];
    if (!threshold) continue;
    const estimate = estimates[metric];
    if (!estimate) throw new Error(`gate: requirements.success_metrics.${metric} is set but the evaluation has no estimate of ${metric}`);
    checks.push(checkThreshold(metric, estimate, threshold, mode));
  }
  for (const s of significance) checks.push(checkSignificantlyBetter(s.metric, s.comparison, s));
  return { passed: checks.every((c) => c.passed), checks };
}

/** One line per check, for summaries: `accuracy 0.92 [0.88, 0.95]: lower bound 0.88 >= 0.9 failed`. */
export function describeEvidence(e: IntervalGateEvidence): string {
  const r = (x: number) => Number(x.toPrecision(4));
  const what = e.mode === 'point' ? 'point' : e.op.startsWith('>') ? 'lower bound' : 'upper bound';
  const p = e.pValue === undefined ? '' : `, p = ${r(e.pValue)} (alpha ${e.alpha})`;
  return `${e.metric} ${r(e.value)} [${r(e.interval.lower)}, ${r(e.interval.upper)}]: ${what} ${r(e.compared)} ${e.op} ${e.threshold}${p} ${e.passed ? 'ok' : 'failed'}`;
}

/** Whether a value meets a success-metric threshold (`>= 0.9`, `<= 3`). */
export function meetsThreshold(value: number, t: Threshold): boolean {
  switch (t.op) {
    case '>=':
      return value >= t.value;
    case '>':
      return value > t.value;
    case '<=':
      return value <= t.value;
    case '<':
      return value < t.value;
    default:
      throw new Error(`unknown comparison ${String(t.op)}`);
  }
}
