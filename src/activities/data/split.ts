import type { PipelineSpec } from '../../spec/schema';
import { sha256Hex } from './sha256';

export type SplitName = 'train' | 'validation' | 'test';
export type SplitShares = PipelineSpec['data']['split'];
export const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

/** Below this many records a split may stay empty; above it validation and test get at least one group each. */
export const MIN_RECORDS_FOR_EVERY_SPLIT = 10;

/** Records that must land in one split: one question asked several ways, one dialog, one near-duplicate cluster. */
export interface SplitGroup {
  /** Identifies the group by content (its opening question), so the place does not depend on record order. */
  key: string;
  category: number;
  size: number;
}

/**
 * Places each group in train, validation or test without leakage (a group is never divided), stratified by
 * category: within each category the groups are ordered by a seeded hash of their key and cut at the shares
 * by record count, so every category is spread over the splits in the configured proportions. The result is
 * the same for the same seed and groups, whatever their order.
 *
 * With few groups the cut can leave validation or test empty. When there are at least
 * MIN_RECORDS_FOR_EVERY_SPLIT records, an empty split (with a share above 0) takes the train group whose
 * hash position lies nearest to it; with fewer than three groups no leakage-free fix exists.
 */
export function assignSplits(groups: SplitGroup[], shares: SplitShares): SplitName[] {
  const placed = new Array<SplitName>(groups.length);
  const position = groups.map((g) => hashPosition(shares.seed, g.key));
  const byCategory = new Map<number, number[]>();
  for (const [i, g] of groups.entries()) {
    const list = byCategory.get(g.category);
    if (list) list.push(i);
    else byCategory.set(g.category, [i]);
  }
  for (const members of byCategory.values()) {
    members.sort((a, b) => position[a]! - position[b]! || (groups[a]!.key < groups[b]!.key ? -1 : 1));
    const total = members.reduce((sum, i) => sum + groups[i]!.size, 0);
    let before = 0;
    for (const i of members) {
      // The middle of the group's records decides, so a large group lands where most of it belongs.
      placed[i] = splitAt((before + groups[i]!.size / 2) / total, shares);
      before += groups[i]!.size;
    }
  }
  const records = groups.reduce((sum, g) => sum + g.size, 0);
  if (records >= MIN_RECORDS_FOR_EVERY_SPLIT && groups.length >= 3) {
    for (const split of ['test', 'validation'] as const) {
      if (shares[split] > 0 && !placed.includes(split)) fillFromTrain(split, placed, position, shares);
    }
  }
  return placed;
}

/** A uniform number in [0, 1) from the seed and the key: 52 bits of sha256, exact in a double. */
export function hashPosition(seed: number, key: string): number {
  const hex = sha256Hex(`${seed}\u0000${key}`).slice(0, 13);
  return parseInt(hex, 16) / 2 ** 52;
}

function splitAt(fraction: number, shares: SplitShares): SplitName {
  if (fraction < shares.train) return 'train';
  if (fraction < shares.train + shares.validation) return 'validation';
  // Shares that sum to 1 only up to rounding leave the top sliver to test, the share that must exist.
  return 'test';
}

function fillFromTrain(target: SplitName, placed: SplitName[], position: number[], shares: SplitShares): void {
  const start = target === 'validation' ? shares.train : shares.train + shares.validation;
  const donors = placed.flatMap((split, i) => (split === 'train' ? [i] : []));
  if (donors.length < 2) return;
  let nearest = donors[0]!;
  for (const i of donors) if (Math.abs(position[i]! - start) < Math.abs(position[nearest]! - start)) nearest = i;
  placed[nearest] = target;
}
