import type { PreparedData } from '../../pipeline/types';
import type { PipelineSpec } from '../../spec/schema';
import type { QualityAssessment } from './quality';
import { incompleteReason, type CanonicalRecord } from './records';
import type { SplitRecords } from './split';
import type { CollectedSource, DroppedRow } from './sources/types';

/**
 * `collected`: records the sources produced (dialogs dropped for low satisfaction never become records).
 * `dropped.low_satisfaction` counts dialogs, not records.
 */
export type DataCounts = PreparedData['counts'];

export interface SourceStats {
  type: CollectedSource['type'];
  file: string;
  lines: number;
  collected: number;
  kept: number;
  dropped: DataCounts['dropped'];
}

/** The data report stored next to the splits: everything needed to see what went in and what was left out. */
export interface DataReport {
  pipeline: string;
  counts: DataCounts;
  quality: { completeness: number; duplicate_rate: number; thresholds: PipelineSpec['data']['quality'] };
  split: PipelineSpec['data']['split'];
  /** Kept records per category; records without one count as `uncategorized`. */
  categories: Record<string, number>;
  sources: SourceStats[];
  /** Every row left out, with its `file:line` and the reason; grouped by reason, each group in source order. */
  dropped: DroppedRow[];
}

export const UNCATEGORIZED = 'uncategorized';

export function buildReport(spec: PipelineSpec, sources: CollectedSource[], assessment: QualityAssessment, splits: SplitRecords): DataReport {
  const kept = new Set(assessment.kept);
  const lowSatisfaction = sources.flatMap((s) => s.dropped);
  return {
    pipeline: spec.name,
    counts: {
      collected: sources.reduce((sum, s) => sum + s.records.length, 0),
      kept: assessment.kept.length,
      train: splits.train.length,
      validation: splits.validation.length,
      test: splits.test.length,
      dropped: { low_satisfaction: lowSatisfaction.length, incomplete: assessment.incomplete.length, duplicate: assessment.duplicates.length },
    },
    quality: { completeness: assessment.completeness, duplicate_rate: assessment.duplicate_rate, thresholds: spec.data.quality },
    split: spec.data.split,
    categories: countCategories(assessment.kept),
    sources: sources.map((source) => sourceStats(source, kept)),
    dropped: [...lowSatisfaction, ...assessment.incomplete, ...assessment.duplicates],
  };
}

function sourceStats(source: CollectedSource, kept: ReadonlySet<CanonicalRecord>): SourceStats {
  const incomplete = source.records.filter((r) => incompleteReason(r) !== null).length;
  const keptHere = source.records.filter((r) => kept.has(r)).length;
  return {
    type: source.type,
    file: source.file,
    lines: source.lines,
    collected: source.records.length,
    kept: keptHere,
    dropped: { low_satisfaction: source.dropped.length, incomplete, duplicate: source.records.length - incomplete - keptHere },
  };
}

/** Sorted by name so the report (and its hash) does not depend on record order. */
export function countCategories(records: CanonicalRecord[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    const category = record.category ?? UNCATEGORIZED;
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  return Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
