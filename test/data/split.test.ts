import assert from 'node:assert/strict';
import { assignSplits, type SplitGroup, type SplitName } from '../../src/activities/data/split';

const SHARES = { train: 0.8, validation: 0.1, test: 0.1, seed: 42 };

function groups(count: number, category = 0, size = 1): SplitGroup[] {
  return Array.from({ length: count }, (_, i) => ({ key: `question ${category}/${i}`, category, size }));
}

const tally = (placed: SplitName[], of: SplitGroup[] = placed.map(() => ({ key: '', category: 0, size: 1 }))) =>
  placed.reduce<Record<SplitName, number>>((t, split, i) => ({ ...t, [split]: t[split] + of[i]!.size }), { train: 0, validation: 0, test: 0 });

describe('split', () => {
  it('is the same for the same seed, whatever the group order', () => {
    const list = groups(200);
    const first = assignSplits(list, SHARES);
    assert.deepEqual(assignSplits(list, SHARES), first);
    const reversed = assignSplits([...list].reverse(), SHARES).reverse();
    assert.deepEqual(reversed, first);
  });

  it('differs for a different seed', () => {
    const list = groups(200);
    assert.notDeepEqual(assignSplits(list, { ...SHARES, seed: 7 }), assignSplits(list, SHARES));
  });

  it('follows the configured shares by record count', () => {
    const counts = tally(assignSplits(groups(2000), SHARES));
    assert.deepEqual(counts, { train: 1600, validation: 200, test: 200 });
  });

  it('stratifies by category: each category is spread over the splits in the configured shares', () => {
    const list = [...groups(500, 0), ...groups(100, 1), ...groups(30, 2)];
    const placed = assignSplits(list, SHARES);
    for (const category of [0, 1, 2]) {
      const members = list.map((g, i) => [g, placed[i]!] as const).filter(([g]) => g.category === category);
      const counts = tally(members.map(([, s]) => s));
      const total = members.length;
      assert.ok(Math.abs(counts.train - 0.8 * total) <= 1, `category ${category}: train ${counts.train} of ${total}`);
      assert.ok(Math.abs(counts.test - 0.1 * total) <= 1, `category ${category}: test ${counts.test} of ${total}`);
    }
  });

  it('never divides a group, and weighs groups by their records', () => {
    const list = [...groups(50, 0, 1), { key: 'a long dialog', category: 0, size: 40 }];
    const placed = assignSplits(list, SHARES);
    assert.equal(placed.length, list.length, 'one place per group');
    const counts = tally(placed, list);
    assert.equal(counts.train + counts.validation + counts.test, 90);
  });

  it('gives validation and test a group each when there are at least 10 records', () => {
    const placed = assignSplits(groups(10), { ...SHARES, train: 0.9, validation: 0.05, test: 0.05 });
    const counts = tally(placed);
    assert.ok(counts.validation >= 1 && counts.test >= 1, JSON.stringify(counts));
  });

  it('leaves a split empty rather than divide a group when there are fewer than three groups', () => {
    const placed = assignSplits([{ key: 'only', category: 0, size: 30 }], SHARES);
    assert.deepEqual(placed, ['train']);
  });
});
