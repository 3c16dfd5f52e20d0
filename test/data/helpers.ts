import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { ProblemList } from '../../src/activities/data/problems';
import { makeRecord, type CanonicalRecord } from '../../src/activities/data/records';
import { localFile } from '../../src/activities/data/input/local-files';
import { readSource } from '../../src/activities/data/sources';
import { projectRoot } from '../../src/config/paths';
import { pipelineSpecSchema, type DataSource, type PipelineSpec } from '../../src/spec/schema';

/** Fixture paths as error messages show them: relative to the repository root, where the tests run. */
export const TINY_SUPPORT = 'test/fixtures/tiny-support';
export const BAD_DATA = 'test/fixtures/bad-data';

export function fixturesAvailable(): boolean {
  return fs.existsSync(path.join(projectRoot, TINY_SUPPORT, 'faq.csv')) && fs.existsSync(path.join(projectRoot, BAD_DATA));
}

/** A valid spec with the given `data` section (defaults filled in by the schema). */
export function specWithData(data: Record<string, unknown>): PipelineSpec {
  return pipelineSpecSchema.parse({
    name: 'data-test',
    requirements: { business_objective: 'Answer support questions', target_users: 'Support team' },
    experiment: { name: 'data_test', base_model: 'tiny:llama' },
    data,
  });
}

/** A source config with the schema's defaults, e.g. `source({ type: 'chat_logs', path })`. */
export function source(config: Record<string, unknown>): DataSource {
  return specWithData({ sources: [config] }).data.sources[0];
}

/** A fresh temporary directory for each test of the suite, removed after it; call the getter inside tests. */
export function useTempDir(): () => string {
  let dir = '';
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** A record's messages as `role: content` lines, for readable assertions. */
export const conversation = (record: { messages: { role: string; content: string }[] }) => record.messages.map((m) => `${m.role}: ${m.content}`);

export function makeTempDir(prefix = 'tempered-data-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `lines` (joined with "\n", plus a final one) to `dir/name` and returns the absolute path. */
export function writeLines(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
}

/** What one source file yields, gathered: its records and the rows its own rules left out. */
export interface Collected {
  result: { records: CanonicalRecord[]; dropped: { line: number; reason: string; detail: string }[] };
  problems: ProblemList;
}

/** Reads one source file the way the data phase does; relative paths resolve against the repository root. */
export async function collect(config: DataSource, systemPrompt?: string): Promise<Collected> {
  const problems = new ProblemList();
  const result: Collected['result'] = { records: [], dropped: [] };
  for await (const item of readSource(config, { file: localFile(path.resolve(projectRoot, config.path)), systemPrompt, problems })) {
    if (item.kind === 'record') result.records.push(item.record);
    else result.dropped.push({ line: item.line, reason: item.reason, detail: item.detail });
  }
  return { result, problems };
}

/** The problems a collector found, formatted as the InvalidData failure's message. */
export async function invalidDataMessage(config: DataSource): Promise<string> {
  const { problems } = await collect(config);
  const failure = captureFailure(() => problems.throwIfAny());
  assert.equal(failure.type, 'InvalidData');
  return failure.message;
}

export function captureFailure(fn: () => void): ApplicationFailure {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an ApplicationFailure');
}

export async function captureAsyncFailure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an ApplicationFailure');
}

/** The message V8 gives for `text`, so tests do not depend on the Node version's JSON error wording. */
export function jsonErrorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

/** Every file under `dir`, relative, sorted; [] when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

/** A single-turn record as the FAQ collector makes it. */
export function qaRecord(question: string, answer: string, line: number, uri = 'faq.csv', category: string | null = null): CanonicalRecord {
  return makeRecord({
    turns: [
      { role: 'user', content: question },
      { role: 'assistant', content: answer },
    ],
    category,
    source: { uri, line },
  });
}
