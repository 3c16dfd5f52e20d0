import assert from 'node:assert/strict';
import { generateCorpus, type CorpusLine } from '../../scripts/bench/data/corpus/corpus';
import { normaliseForComparison } from '../../scripts/bench/data/corpus/exact-variants';
import type { SupportRecord } from '../../scripts/bench/data/corpus/support-record';
import { isPlantedDuplicate, type PlantedDuplicate } from '../../scripts/bench/data/truth';

const RECORDS = 2000;
const lines: CorpusLine[] = [...generateCorpus({ records: RECORDS, seed: 7 })];
const records: SupportRecord[] = lines.map((l) => JSON.parse(l.json) as SupportRecord);
const truth = lines.flatMap((l) => (l.truth ? [l.truth] : []));
const copies = truth.filter(isPlantedDuplicate);

const recordAt = (line: number) => records[line - 1];
const answerOf = (record: SupportRecord) => record.messages[record.messages.length - 1].content;
const isJapanese = (record: SupportRecord) => /[\u3040-\u30ff]/.test(answerOf(record));

function charShingles(text: string): Set<string> {
  const compact = normaliseForComparison(text).replace(/ /g, '');
  return new Set(Array.from({ length: Math.max(1, compact.length - 4) }, (_, i) => compact.slice(i, i + 5)));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  const shared = [...a].filter((x) => b.has(x)).length;
  return shared / (a.size + b.size - shared);
}

describe('bench corpus', () => {
  it('is the same for the same seed and different for another', () => {
    const again = [...generateCorpus({ records: RECORDS, seed: 7 })];
    assert.deepEqual(again, lines);
    const other = [...generateCorpus({ records: RECORDS, seed: 8 })];
    assert.notDeepEqual(other.map((l) => l.json), lines.map((l) => l.json));
  });

  it('writes chat records: an optional system prompt, then a user question and an assistant answer', () => {
    for (const record of records) {
      const roles = record.messages.map((m) => m.role).join(',');
      assert.match(roles, /^(system,)?user,assistant$/);
      assert.ok(record.messages.every((m) => m.content.trim().length > 0));
    }
  });

  it('is about 15% Japanese', () => {
    const share = records.filter(isJapanese).length / RECORDS;
    assert.ok(share > 0.11 && share < 0.19, `Japanese share ${share}`);
  });

  it('plants about 2% exact copies, 3% near copies and 5% lines with PII, in both languages', () => {
    const exact = copies.filter((c) => c.kind === 'exact');
    const near = copies.filter((c) => c.kind === 'near');
    const pii = truth.length - copies.length;
    assert.ok(exact.length > 20 && exact.length < 65, `exact ${exact.length}`);
    assert.ok(near.length > 35 && near.length < 90, `near ${near.length}`);
    assert.ok(pii > 65 && pii < 140, `pii ${pii}`);
    assert.ok(near.some((c) => c.lang === 'ja') && exact.some((c) => c.lang === 'ja'));
  });

  it('points every truth line at its own line, and every copy at an earlier clean original in its language', () => {
    const planted = new Set(truth.map((t) => t.line));
    assert.deepEqual(
      truth.map((t) => t.line),
      lines.flatMap((l, i) => (l.truth ? [i + 1] : [])),
    );
    for (const copy of copies) {
      assert.ok(copy.of >= 1 && copy.of < copy.line, `line ${copy.line} copies ${copy.of}`);
      assert.ok(!planted.has(copy.of), `line ${copy.line} copies planted line ${copy.of}`);
      assert.equal(isJapanese(recordAt(copy.of)) ? 'ja' : 'en', copy.lang);
    }
  });

  it('plants exact duplicates that normalise to their originals', () => {
    const exact = copies.filter((c) => c.kind === 'exact');
    const rewritten = exact.filter((c) => lines[c.line - 1].json !== lines[c.of - 1].json);
    assert.ok(rewritten.length > exact.length / 2, 'most exact copies change case, punctuation, spacing or width');
    for (const copy of exact) {
      const normalised = (record: SupportRecord) => record.messages.map((m) => `${m.role}:${normaliseForComparison(m.content)}`);
      assert.deepEqual(normalised(recordAt(copy.line)), normalised(recordAt(copy.of)), `line ${copy.line} vs ${copy.of}`);
    }
  });

  it('plants near duplicates that differ from their originals in a word or two', () => {
    const near: PlantedDuplicate[] = copies.filter((c) => c.kind === 'near');
    for (const copy of near) {
      const [edited, original] = [answerOf(recordAt(copy.line)), answerOf(recordAt(copy.of))];
      assert.notEqual(normaliseForComparison(edited), normaliseForComparison(original));
      const similarity = jaccard(charShingles(edited), charShingles(original));
      assert.ok(similarity > 0.6, `line ${copy.line} vs ${copy.of}: Jaccard ${similarity.toFixed(2)}\n${edited}\n${original}`);
    }
  });

  it('plants card numbers that pass the Luhn check and IBANs whose check digits hold', () => {
    const textWith = (kind: string) =>
      truth.flatMap((t) => ('pii' in t && t.pii.includes(kind as never) ? recordAt(t.line).messages.map((m) => m.content) : [])).join('\n');
    const cards = [...textWith('credit_card').matchAll(/(?<![A-Z\d] ?)\b[2-6](?:[ -]?\d){13,14}\d\b/g)].map((m) => m[0].replace(/\D/g, ''));
    const ibans = [...textWith('iban').matchAll(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/g)].map((m) => m[0].replace(/ /g, ''));
    assert.ok(cards.length > 5 && ibans.length > 5, `${cards.length} cards, ${ibans.length} IBANs`);
    for (const card of cards) {
      const sum = [...card].reverse().reduce((acc, c, i) => acc + (i % 2 ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][Number(c)] : Number(c)), 0);
      assert.equal(sum % 10, 0, `card ${card}`);
    }
    for (const iban of ibans) {
      const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
      assert.equal(BigInt(digits) % 97n, 1n, `IBAN ${iban}`);
    }
  });

  it('keeps base answers apart: no two unplanted answers are equal once normalised', () => {
    const planted = new Set(copies.map((c) => c.line));
    const seen = new Set<string>();
    records.forEach((record, i) => {
      if (planted.has(i + 1)) return;
      const key = normaliseForComparison(answerOf(record));
      assert.ok(!seen.has(key), `line ${i + 1} repeats an earlier answer: ${key}`);
      seen.add(key);
    });
  });
});
