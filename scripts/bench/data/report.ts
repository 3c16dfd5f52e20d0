import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Scores } from './scores';

/**
 * The benchmark's table and its RESULT line, from what scripts/bench-data.sh measured:
 * `report --records N --corpus <file> --reference-time <f> --reference-scores <f> --reference-summary <f>
 *  [--tempered-time <f> --tempered-scores <f> --tempered-summary <f>]`.
 * A `*-time` file holds `/usr/bin/time -f '%e %M'` output (wall seconds, peak RSS in KB); a summary file holds the
 * tool's stdout, whose last line is its JSON summary. Without Tempered's files its column reads "unavailable".
 */

interface Side {
  seconds: number;
  peakRssMb: number;
  recordsPerSecond: number;
  scores: Scores;
  counts: Record<string, number>;
}

/** The last line of `time -f '%e %M'` output: the command's own stderr may come before it. */
function readTime(file: string): { seconds: number; peakRssMb: number } {
  const last = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
  const [seconds, kilobytes] = last.split(/\s+/).map(Number);
  if (!Number.isFinite(seconds) || !Number.isFinite(kilobytes)) throw new Error(`${file}: expected "<wall seconds> <peak RSS KB>", got "${last}"`);
  return { seconds, peakRssMb: kilobytes / 1024 };
}

function lastJsonLine(file: string): Record<string, unknown> {
  const last = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    throw new Error(`${file}: the last line should be a JSON object, got "${last.slice(0, 120)}"`);
  }
}

function readSide(records: number, time?: string, scores?: string, summary?: string): Side | undefined {
  if (!time || !scores || !summary || ![time, scores, summary].every(existsSync)) return undefined;
  const { seconds, peakRssMb } = readTime(time);
  return {
    seconds,
    peakRssMb,
    recordsPerSecond: records / Math.max(seconds, 0.01),
    scores: lastJsonLine(scores) as unknown as Scores,
    counts: (lastJsonLine(summary).counts ?? {}) as Record<string, number>,
  };
}

const integer = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(3));

function table(records: number, corpus: string, tempered: Side | undefined, reference: Side): string {
  const cell = (side: Side | undefined, pick: (s: Side) => string) => (side ? pick(side) : 'unavailable');
  const rows: [string, (s: Side) => string][] = [
    ['records/s', (s) => integer(s.recordsPerSecond)],
    ['wall time', (s) => `${s.seconds.toFixed(1)} s`],
    ['peak RSS', (s) => `${integer(s.peakRssMb)} MB`],
    ['kept / dropped / redacted', (s) => `${s.counts.kept ?? '?'} / ${s.counts.dropped ?? '?'} / ${s.counts.redacted ?? '?'}`],
    ['dup recall (exact + near)', (s) => ratio(s.scores.dup_recall)],
    ['  Japanese', (s) => ratio(s.scores.dup_recall_ja)],
    ['  exact only', (s) => ratio(s.scores.exact_recall)],
    ['  near only', (s) => ratio(s.scores.near_recall)],
    ['  near only, Japanese', (s) => ratio(s.scores.near_recall_ja)],
    ['dup precision', (s) => ratio(s.scores.dup_precision)],
    ['  Japanese', (s) => ratio(s.scores.dup_precision_ja)],
    ['PII recall (all kinds of a line)', (s) => ratio(s.scores.pii_recall)],
    ...(['email', 'phone', 'credit_card', 'iban', 'ip_address', 'postal_code'] as const).map(
      (kind): [string, (s: Side) => string] => [`  ${kind}`, (s) => ratio(s.scores.pii_recall_by_kind[kind])],
    ),
    ['redacted lines with nothing planted', (s) => integer(s.scores.pii_redacted_unplanted)],
  ];
  const planted = reference.scores.planted;
  const lines = [
    `data-phase benchmark: ${integer(records)} records in ${corpus}`,
    `planted: ${planted.exact} exact (${planted.exact_ja} Japanese), ${planted.near} near (${planted.near_ja} Japanese), ${planted.pii} lines with PII`,
    '',
    `${''.padEnd(36)}${'Tempered'.padStart(24)}${'reference'.padStart(24)}`,
    ...rows.map(([label, pick]) => `${label.padEnd(36)}${cell(tempered, pick).padStart(24)}${cell(reference, pick).padStart(24)}`),
    '',
    'reference: Python, datasketch MinHashLSH (128 permutations, threshold 0.8, word 3-shingles of the answer) + regular expressions',
  ];
  return lines.join('\n');
}

function resultLine(tempered: Side | undefined, reference: Side): string {
  const figure = (pick: (s: Side) => string) => (tempered ? pick(tempered) : 'n/a');
  const score = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
  return [
    'RESULT data',
    `records_per_s=${figure((s) => String(Math.round(s.recordsPerSecond)))}`,
    `reference_records_per_s=${Math.round(reference.recordsPerSecond)}`,
    `ratio=${figure((s) => (s.recordsPerSecond / reference.recordsPerSecond).toFixed(2))}`,
    `peak_rss_mb=${figure((s) => String(Math.round(s.peakRssMb)))}`,
    `dup_recall=${figure((s) => score(s.scores.dup_recall))}`,
    `dup_recall_ja=${figure((s) => score(s.scores.dup_recall_ja))}`,
    `dup_precision=${figure((s) => score(s.scores.dup_precision))}`,
    `pii_recall=${figure((s) => score(s.scores.pii_recall))}`,
  ].join(' ');
}

function main(): void {
  const option = { type: 'string' } as const;
  const { values } = parseArgs({
    options: {
      records: option,
      corpus: option,
      'reference-time': option,
      'reference-scores': option,
      'reference-summary': option,
      'tempered-time': option,
      'tempered-scores': option,
      'tempered-summary': option,
    },
  });
  const records = Number(values.records);
  if (!Number.isInteger(records) || records < 1) throw new Error(`--records must be a positive integer, got "${values.records}"`);
  const reference = readSide(records, values['reference-time'], values['reference-scores'], values['reference-summary']);
  if (!reference) throw new Error('the reference figures are missing: --reference-time, --reference-scores and --reference-summary must name existing files');
  const tempered = readSide(records, values['tempered-time'], values['tempered-scores'], values['tempered-summary']);
  console.log(table(records, values.corpus ?? '(corpus)', tempered, reference));
  console.log(resultLine(tempered, reference));
}

try {
  main();
} catch (err) {
  console.error(`report: ${(err as Error).message}`);
  process.exitCode = 2;
}
