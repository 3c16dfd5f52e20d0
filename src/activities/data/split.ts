import { createHash } from 'node:crypto';
import type { PipelineSpec } from '../../spec/schema';
import { normaliseText, questionOf, type CanonicalRecord } from './records';

export type SplitName = 'train' | 'validation' | 'test';
export type SplitShares = PipelineSpec['data']['split'];
export type SplitRecords = Record<SplitName, CanonicalRecord[]>;

/** Below this many records a split may stay empty; above it validation and test get at least one question each. */
export const MIN_RECORDS_FOR_EVERY_SPLIT = 10;

interface QuestionGroup {
  key: string;
  /** Where the seeded hash puts the question in [0, 1). */
  position: number;
  split: SplitName;
}

/**
 * Splits records into train, validation and test without leakage: a question's place is decided by a seeded
 * hash of its normalised text (lower case, no punctuation, single spaces), so the same question, even with
 * another answer, from another source or in another dialog, always lands in the same split. The result is
 * the same for the same seed and records, independent of record order; each split keeps input order.
 *
 * With few questions the hash can leave validation or test empty. When there are at least
 * MIN_RECORDS_FOR_EVERY_SPLIT records, an empty split (with a share above 0) takes the question whose hash
 * position lies nearest to its range, from a split that keeps at least one question; this moves as little as
 * possible and stays deterministic. With fewer than three distinct questions no leakage-free fix exists and
 * the split stays empty.
 */
export function splitRecords(records: CanonicalRecord[], shares: SplitShares): SplitRecords {
  const groups = new Map<string, QuestionGroup>();
  for (const record of records) {
    const key = normaliseText(questionOf(record));
    if (!groups.has(key)) {
      const position = hashPosition(shares.seed, key);
      groups.set(key, { key, position, split: splitAt(position, shares) });
    }
  }
  if (records.length >= MIN_RECORDS_FOR_EVERY_SPLIT) {
    for (const split of ['validation', 'test'] as const) {
      if (shares[split] > 0) fillEmptySplit(split, [...groups.values()], shares);
    }
  }
  const result: SplitRecords = { train: [], validation: [], test: [] };
  for (const record of records) {
    const group = groups.get(normaliseText(questionOf(record)));
    if (group) result[group.split].push(record);
  }
  return result;
}

/** A uniform number in [0, 1) from the seed and the question: 52 bits of sha256, exact in a double. */
export function hashPosition(seed: number, key: string): number {
  const hex = createHash('sha256').update(`${seed}\u0000${key}`).digest('hex').slice(0, 13);
  return parseInt(hex, 16) / 2 ** 52;
}

function splitRange(split: SplitName, shares: SplitShares): [number, number] {
  const validationStart = shares.train;
  const testStart = shares.train + shares.validation;
  if (split === 'train') return [0, validationStart];
  if (split === 'validation') return [validationStart, testStart];
  return [testStart, 1];
}

function splitAt(position: number, shares: SplitShares): SplitName {
  if (position < shares.train) return 'train';
  if (position < shares.train + shares.validation) return 'validation';
  // Shares that sum to 1 only up to rounding leave the top sliver to test, the share that must exist.
  return 'test';
}

function fillEmptySplit(target: SplitName, groups: QuestionGroup[], shares: SplitShares): void {
  if (groups.some((g) => g.split === target)) return;
  const sizes = new Map<SplitName, number>();
  for (const g of groups) sizes.set(g.split, (sizes.get(g.split) ?? 0) + 1);
  const [start, end] = splitRange(target, shares);
  const distance = (g: QuestionGroup) => (g.position < start ? start - g.position : g.position >= end ? g.position - end : 0);
  const donors = groups.filter((g) => (sizes.get(g.split) ?? 0) > 1);
  donors.sort((a, b) => distance(a) - distance(b) || (a.key < b.key ? -1 : 1));
  if (donors[0]) donors[0].split = target;
}
