import assert from 'node:assert/strict';
import { makeRecord, normaliseText, questionOf, type CanonicalRecord } from '../../src/activities/data/records';
import { hashPosition, splitRecords, type SplitRecords } from '../../src/activities/data/split';
import { qaRecord } from './helpers';

const SHARES = { train: 0.8, validation: 0.1, test: 0.1, seed: 42 };

function distinctQuestions(count: number): CanonicalRecord[] {
  return Array.from({ length: count }, (_, i) => qaRecord(`How do I do thing number ${i}?`, `Like this, ${i}.`, i + 2));
}

function idsOf(splits: SplitRecords): Record<string, string[]> {
  return { train: splits.train.map((r) => r.id), validation: splits.validation.map((r) => r.id), test: splits.test.map((r) => r.id) };
}

describe('split', () => {
  it('is the same for the same seed, whatever the record order', () => {
    const records = distinctQuestions(200);
    const first = idsOf(splitRecords(records, SHARES));
    assert.deepEqual(idsOf(splitRecords(records, SHARES)), first);
    const reversed = idsOf(splitRecords([...records].reverse(), SHARES));
    for (const split of ['train', 'validation', 'test'] as const) assert.deepEqual([...reversed[split]].sort(), [...first[split]].sort());
  });

  it('differs for a different seed', () => {
    const records = distinctQuestions(200);
    assert.notDeepEqual(idsOf(splitRecords(records, { ...SHARES, seed: 7 })), idsOf(splitRecords(records, SHARES)));
  });

  it('follows the configured shares', () => {
    const splits = splitRecords(distinctQuestions(2000), SHARES);
    assert.equal(splits.train.length + splits.validation.length + splits.test.length, 2000);
    assert.ok(splits.train.length > 1500 && splits.train.length < 1700, `train ${splits.train.length}`);
    assert.ok(splits.validation.length > 140 && splits.validation.length < 260, `validation ${splits.validation.length}`);
    assert.ok(splits.test.length > 140 && splits.test.length < 260, `test ${splits.test.length}`);
  });

  it('keeps every variant of a question in one split, whatever its answer or source', () => {
    const records: CanonicalRecord[] = [];
    for (let i = 0; i < 60; i++) {
      records.push(qaRecord(`How do I reset password ${i}?`, `Use the reset link ${i}.`, i + 2, 'faq.csv'));
      records.push(qaRecord(`how do i RESET password ${i}`, `Another answer ${i}.`, i + 2, 'other.csv'));
      records.push(qaRecord(`  How do I reset, password ${i}?!`, `Use the reset link ${i}.`, i + 1, 'chat.jsonl'));
    }
    const splits = splitRecords(records, SHARES);
    const splitOfQuestion = new Map<string, string>();
    for (const split of ['train', 'validation', 'test'] as const) {
      for (const record of splits[split]) {
        const key = normaliseText(questionOf(record));
        assert.equal(splitOfQuestion.get(key) ?? split, split, `"${key}" is in ${splitOfQuestion.get(key)} and ${split}`);
        splitOfQuestion.set(key, split);
      }
    }
    assert.equal(splitOfQuestion.size, 60);
  });

  it('keeps all records of one dialog in one split, since later ones contain earlier answers', () => {
    const records: CanonicalRecord[] = [];
    for (let d = 0; d < 40; d++) {
      const turns = [
        { role: 'user' as const, content: `My parcel ${d} is late` },
        { role: 'assistant' as const, content: 'Sorry, which order?' },
        { role: 'user' as const, content: `Order ${d}` },
        { role: 'assistant' as const, content: 'It ships tomorrow.' },
      ];
      records.push(makeRecord({ turns: turns.slice(0, 2), category: null, source: { uri: 'chat_logs.jsonl', line: d + 1 } }));
      records.push(makeRecord({ turns, category: null, source: { uri: 'chat_logs.jsonl', line: d + 1 } }));
    }
    const splits = splitRecords(records, SHARES);
    for (const split of ['train', 'validation', 'test'] as const) {
      const lines = splits[split].map((r) => r.source.line);
      for (const line of lines) assert.equal(lines.filter((l) => l === line).length, 2, `dialog on line ${line} is split`);
    }
  });

  it('keeps the input order inside each split', () => {
    const splits = splitRecords(distinctQuestions(100), SHARES);
    for (const split of ['train', 'validation', 'test'] as const) {
      const lines = splits[split].map((r) => r.source.line);
      assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
    }
  });

  it('gives validation and test at least one question each from 10 records on, even when the hash leaves one empty', () => {
    const records = distinctQuestions(10);
    const keys = records.map((r) => normaliseText(questionOf(r)));
    // Find seeds for which the plain hash assignment leaves validation, or test, empty.
    const seedLeaving = (lo: number, hi: number) => {
      for (let seed = 0; seed < 1000; seed++) {
        if (!keys.some((k) => hashPosition(seed, k) >= lo && hashPosition(seed, k) < hi)) return seed;
      }
      assert.fail('no such seed');
    };
    for (const seed of [seedLeaving(0.8, 0.9), seedLeaving(0.9, 1)]) {
      const splits = splitRecords(records, { ...SHARES, seed });
      assert.ok(splits.validation.length >= 1, `seed ${seed}: empty validation`);
      assert.ok(splits.test.length >= 1, `seed ${seed}: empty test`);
      assert.ok(splits.train.length >= 1, `seed ${seed}: empty train`);
      assert.equal(splits.train.length + splits.validation.length + splits.test.length, 10);
    }
  });

  it('leaves a split without a share empty', () => {
    const splits = splitRecords(distinctQuestions(50), { train: 0.9, validation: 0, test: 0.1, seed: 1 });
    assert.equal(splits.validation.length, 0);
    assert.ok(splits.test.length >= 1);
  });
});
