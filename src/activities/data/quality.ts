import type { PreparedData } from '../../pipeline/types';
import type { PipelineSpec } from '../../spec/schema';
import type { Analysis } from './analysis/analyze';
import { ACCURACY_FLAGS, CONSISTENCY_FLAGS, FLAG, STATUS, STATUS_NAMES, type RecordStatus } from './analysis/record-table';
import { categoryBalance } from './signals/diversity';

/** Each measure in [0, 1]; the spec sets a threshold for each (`data.quality`). Contamination is null before the splits exist. */
export type DataScores = PreparedData['scores'];

export interface RecordCounts {
  collected: number;
  kept: number;
  /** Kept records with PII replaced by placeholders. */
  redacted: number;
  dropped: Record<Exclude<RecordStatus, 'kept'> | 'low_satisfaction' | 'skipped', number>;
}

export interface QualityCheck {
  measure: string;
  value: number;
  op: '>=' | '<=';
  threshold: number;
  passed: boolean;
}

/** Counts by outcome, from the first pass's table. */
export function countRecords(analysis: Analysis, skipped: number): RecordCounts {
  const { table } = analysis;
  const byStatus = Object.fromEntries(STATUS_NAMES.map((s) => [s, 0])) as Record<RecordStatus, number>;
  let redacted = 0;
  for (let r = 0; r < table.size; r++) {
    const status = STATUS_NAMES[table.status.get(r)]!;
    byStatus[status] += 1;
    if (status === 'kept' && table.hasFlag(r, FLAG.pii)) redacted += 1;
  }
  const { kept, ...dropped } = byStatus;
  return {
    collected: table.size,
    kept,
    redacted,
    dropped: { ...dropped, low_satisfaction: analysis.droppedAtSource.reduce((a, b) => a + b, 0), skipped } as RecordCounts['dropped'],
  };
}

export function computeScores(analysis: Analysis, counts: RecordCounts, contamination: number | null): DataScores {
  const { table } = analysis;
  let inconsistent = 0;
  let inaccurate = 0;
  const categories = new Map<string, number>();
  for (let r = 0; r < table.size; r++) {
    if (table.status.get(r) !== STATUS.kept) continue;
    if (table.hasFlag(r, CONSISTENCY_FLAGS)) inconsistent += 1;
    if (table.hasFlag(r, ACCURACY_FLAGS)) inaccurate += 1;
    const category = analysis.categories[table.category.get(r)] || 'uncategorized';
    categories.set(category, (categories.get(category) ?? 0) + 1);
  }
  const complete = counts.collected - counts.dropped.incomplete;
  const share = (part: number, whole: number, empty: number) => (whole === 0 ? empty : part / whole);
  return {
    completeness: share(complete, counts.collected, 1),
    consistency: share(counts.kept - inconsistent, counts.kept, 1),
    accuracy: share(counts.kept - inaccurate, counts.kept, 1),
    duplicate_rate: share(counts.dropped.duplicate + counts.dropped.near_duplicate, complete, 0),
    distinct_2: analysis.distinctQuestions.distinctRatio(),
    category_balance: categoryBalance(categories),
    largest_cluster_share: share(analysis.largestCluster, counts.collected, 0),
    contamination,
  };
}

/** Every measure against its threshold in `data.quality`; the gate passes when all pass. */
export function qualityChecks(scores: DataScores, counts: RecordCounts, quality: PipelineSpec['data']['quality']): QualityCheck[] {
  const checks: QualityCheck[] = [];
  const check = (measure: string, value: number | null, op: '>=' | '<=', threshold: number) => {
    if (value !== null) checks.push({ measure, value, op, threshold, passed: op === '>=' ? value >= threshold : value <= threshold });
  };
  check('examples', counts.kept, '>=', quality.min_examples);
  check('completeness', scores.completeness, '>=', quality.min_completeness);
  check('consistency', scores.consistency, '>=', quality.min_consistency);
  check('accuracy', scores.accuracy, '>=', quality.min_accuracy);
  check('duplicate_rate', scores.duplicate_rate, '<=', quality.max_duplicate_rate);
  check('distinct_2', scores.distinct_2, '>=', quality.min_distinct_2);
  check('category_balance', scores.category_balance, '>=', quality.min_category_balance);
  check('largest_cluster_share', scores.largest_cluster_share, '<=', quality.max_cluster_share);
  check('contamination', scores.contamination, '<=', quality.max_contamination);
  return checks;
}

/** `completeness 0.9 < 0.95`: how a failing check reads in messages. */
export function describeFailure(check: QualityCheck): string {
  const value = check.measure === 'examples' ? `${check.value} records kept` : `${check.measure} ${formatBelow(check.value, check.threshold)}`;
  return `${value} ${check.op === '>=' ? '<' : '>'} ${check.measure === 'examples' ? `min_examples ${check.threshold}` : check.threshold}`;
}

/** Two decimals, or four when two would round the value onto the threshold it fails ("0.95 < 0.95"). */
function formatBelow(value: number, threshold: number): string {
  const short = Number(value.toFixed(2));
  return String(short !== threshold ? short : Number(value.toFixed(4)));
}
