import { openArtifactStore, type ArtifactStore } from '../../artifacts/store';
import { pairedTest, type PairedComparison } from '../../evaluation/statistics';
import type { ArmsTable, ArtifactRef, EvaluationResult, PairedChange, PipelineSpec } from '../../pipeline/types';
import { armOf } from './evaluate-model';

/** The per-answer scores a paired test compares; `accuracy` is the share of accurate answers. */
export const PAIRED_METRICS = ['accuracy', 'token_f1', 'exact_match', 'rouge_l', 'chrf'] as const;

type PerSample = { id: string } & Record<string, unknown>;

/**
 * Paired tests of one arm against the base model on the answers both gave to the same test examples, per
 * metric, seeded. Null for reports written before every answer's scores were kept.
 */
export async function pairedComparisons(store: ArtifactStore, baseReport: ArtifactRef, armReport: ArtifactRef, seed: number): Promise<Record<string, PairedComparison> | null> {
  const [base, arm] = await Promise.all([baseReport, armReport].map((ref) => store.getJson<{ perSample?: PerSample[] }>(ref)));
  if (!base?.perSample || !arm?.perSample) return null;
  const baseById = new Map(base.perSample.map((s) => [s.id, s]));
  const pairs = arm.perSample.filter((s) => baseById.has(s.id)).map((s) => [s, baseById.get(s.id)!] as const);
  if (pairs.length === 0) return null;
  const comparisons: Record<string, PairedComparison> = {};
  for (const metric of PAIRED_METRICS) {
    const score = (s: PerSample) => (metric === 'accuracy' ? Number(s.accurate) : s[metric]);
    if (pairs.some(([a, b]) => typeof score(a) !== 'number' || typeof score(b) !== 'number')) continue;
    comparisons[metric] = pairedTest(
      pairs.map(([a]) => score(a) as number),
      pairs.map(([, b]) => score(b) as number),
      { seed },
    );
  }
  return comparisons;
}

/** A paired comparison as results and tables keep it: the mean difference, its interval and the p-value. */
export function pairedChange(c: PairedComparison): PairedChange {
  return { difference: c.difference.estimate, lower: c.difference.lower, upper: c.difference.upper, pValue: c.pValue };
}

/** Every metric's pairedChange; null when there was nothing to compare. */
export function pairedChanges(comparisons: Record<string, PairedComparison> | null): Record<string, PairedChange> | null {
  return comparisons ? Object.fromEntries(Object.entries(comparisons).map(([metric, c]) => [metric, pairedChange(c)])) : null;
}

export interface CompareArmsInput {
  spec: PipelineSpec;
  /** The base model's evaluation first, then the other arms. */
  base: EvaluationResult;
  arms: EvaluationResult[];
}

/**
 * The guide's comparison of approaches on the user's own test split: every arm's metrics with their
 * intervals, and each arm against the base model (mean difference, its interval, the paired test's p-value).
 * The table is stored as an artifact and returned small enough for the workflow's status.
 */
export async function compareArms({ spec, base, arms }: CompareArmsInput): Promise<ArmsTable> {
  const store = openArtifactStore();
  const rows: ArmsTable['rows'] = [];
  for (const result of [base, ...arms]) {
    const arm = result.arm ?? armOf(result.model, false);
    const comparisons = arm === 'base' ? null : await pairedComparisons(store, base.report, result.report, spec.data.split.seed);
    rows.push({
      arm,
      samples: result.samples,
      metrics: result.metrics,
      intervals: result.intervals ?? null,
      vsBase: pairedChanges(comparisons),
      report: result.report,
    });
  }
  const report = await store.putJson({ kind: 'tempered.evaluation-arms/v1', pipeline: spec.name, rows });
  return { rows, report };
}
