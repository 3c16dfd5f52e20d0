import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { AuditFindings } from './scores';
import { addAuditLine, computeScores, emptyFindings } from './scores';
import type { Lang } from './corpus/support-record';
import type { AuditLine, TruthLine } from './truth';
import { isPlantedDuplicate } from './truth';

/**
 * `node dist/scripts/bench/data/score.js --truth truth.jsonl --audit audit.jsonl --corpus corpus.jsonl`
 * prints the scores of one audit as one JSON line. The corpus is read only for the language of flagged lines
 * that were not planted (Japanese precision).
 */

async function* linesOf(file: string): AsyncGenerator<[number, string]> {
  let number = 0;
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    number++;
    if (line.trim() !== '') yield [number, line];
  }
}

function parseLine<T>(file: string, number: number, text: string, valid: (value: unknown) => value is T, expected: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}:${number}: not JSON (${(err as Error).message})`);
  }
  if (!valid(value)) throw new Error(`${file}:${number}: expected ${expected}, got ${text.slice(0, 120)}`);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isLineNumber = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const isTruthLine = (v: unknown): v is TruthLine =>
  isObject(v) && isLineNumber(v.line) && ((['exact', 'near'].includes(v.kind as string) && isLineNumber(v.of)) || Array.isArray(v.pii));
const isAuditLine = (v: unknown): v is AuditLine =>
  isObject(v) && isLineNumber(v.line) && typeof v.action === 'string' && typeof v.reason === 'string' && (v.kinds === undefined || Array.isArray(v.kinds));

async function readTruth(file: string): Promise<TruthLine[]> {
  const truth: TruthLine[] = [];
  for await (const [n, text] of linesOf(file)) truth.push(parseLine(file, n, text, isTruthLine, '{"line","kind","of","lang"} or {"line","pii"}'));
  return truth;
}

async function readAudit(file: string): Promise<AuditFindings> {
  const findings = emptyFindings();
  for await (const [n, text] of linesOf(file)) addAuditLine(findings, parseLine(file, n, text, isAuditLine, '{"file","line","action","reason",…}'));
  return findings;
}

/** Languages of the given corpus lines: Japanese when the line holds kana, which no English record does. */
async function languagesOf(corpus: string, wanted: Set<number>): Promise<Map<number, Lang>> {
  const languages = new Map<number, Lang>();
  if (wanted.size === 0) return languages;
  let last = 0;
  for (const line of wanted) last = Math.max(last, line);
  for await (const [n, text] of linesOf(corpus)) {
    if (wanted.has(n)) languages.set(n, /[\u3040-\u30ff]/.test(text) ? 'ja' : 'en');
    if (n >= last) break;
  }
  return languages;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { truth: { type: 'string' }, audit: { type: 'string' }, corpus: { type: 'string' } } });
  if (!values.truth || !values.audit || !values.corpus) throw new Error('usage: score --truth <truth.jsonl> --audit <audit.jsonl> --corpus <corpus.jsonl>');
  const truth = await readTruth(values.truth);
  const findings = await readAudit(values.audit);
  const plantedCopies = new Set(truth.filter(isPlantedDuplicate).map((t) => t.line));
  const languages = await languagesOf(values.corpus, new Set([...findings.flagged].filter((line) => !plantedCopies.has(line))));
  console.log(JSON.stringify(computeScores(truth, findings, (line) => languages.get(line) ?? 'en')));
}

main().catch((err: Error) => {
  console.error(`score: ${err.message}`);
  process.exitCode = 2;
});
