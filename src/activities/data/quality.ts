import { fail } from '../../failures';
import type { PipelineSpec } from '../../spec/schema';
import { incompleteReason, locationOf, type CanonicalRecord } from './records';
import type { DroppedRow } from './sources/types';

export interface QualityAssessment {
  /** Complete records with duplicates removed, in input order. */
  kept: CanonicalRecord[];
  incomplete: DroppedRow[];
  duplicates: DroppedRow[];
  /** Share of collected records whose question and answer are non-empty (1 when nothing was collected). */
  completeness: number;
  /** Share of complete records dropped as duplicates of an earlier one. */
  duplicate_rate: number;
}

/**
 * Drops incomplete records (an empty question or answer teaches nothing, or teaches silence) and exact
 * duplicates (same normalised conversation, i.e. same record id): duplicates over-weight one answer and,
 * across splits, would leak test answers into training. The first occurrence is kept.
 */
export function assessQuality(records: CanonicalRecord[]): QualityAssessment {
  const kept: CanonicalRecord[] = [];
  const incomplete: DroppedRow[] = [];
  const duplicates: DroppedRow[] = [];
  const firstSeen = new Map<string, CanonicalRecord>();
  for (const record of records) {
    const reason = incompleteReason(record);
    if (reason) {
      incomplete.push({ reason: 'incomplete', at: locationOf(record), detail: reason });
      continue;
    }
    const original = firstSeen.get(record.id);
    if (original) {
      duplicates.push({ reason: 'duplicate', at: locationOf(record), detail: `duplicate of ${locationOf(original)}` });
      continue;
    }
    firstSeen.set(record.id, record);
    kept.push(record);
  }
  const complete = records.length - incomplete.length;
  return {
    kept,
    incomplete,
    duplicates,
    completeness: records.length === 0 ? 1 : complete / records.length,
    duplicate_rate: complete === 0 ? 0 : duplicates.length / complete,
  };
}

/**
 * Fails the run, without retries, when the data falls short of `data.quality`; the message names every
 * failing measure so the data can be fixed in one pass. The full assessment (minus records) is the failure's details.
 */
export function enforceQualityGate(assessment: QualityAssessment, collected: number, quality: PipelineSpec['data']['quality']): void {
  const failures: string[] = [];
  if (assessment.completeness < quality.min_completeness) {
    const { incomplete } = assessment;
    failures.push(
      `completeness ${formatBelow(assessment.completeness, quality.min_completeness)} < ${quality.min_completeness} ` +
        `(${incomplete.length} of ${collected} records incomplete, first: ${incomplete[0]?.at}: ${incomplete[0]?.detail})`,
    );
  }
  if (assessment.kept.length < quality.min_examples) {
    failures.push(`${assessment.kept.length} records kept < min_examples ${quality.min_examples}`);
  }
  if (failures.length === 0) return;
  throw fail('DataQualityGateFailed', `data quality gate failed: ${failures.join('; ')}`, {
    completeness: assessment.completeness,
    duplicate_rate: assessment.duplicate_rate,
    collected,
    kept: assessment.kept.length,
    thresholds: quality,
    incomplete: assessment.incomplete.slice(0, 100),
    duplicates: assessment.duplicates.length,
  });
}

/** Two decimals, or four when two would round the value up to the threshold it fails ("0.95 < 0.95"). */
function formatBelow(value: number, threshold: number): string {
  const short = Number(value.toFixed(2));
  return String(short < threshold ? short : Number(value.toFixed(4)));
}
