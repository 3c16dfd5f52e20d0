import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { prepareData, type PreparedData } from '../../src/activities/data/prepare-data';
import { normaliseText, questionOf, type CanonicalRecord } from '../../src/activities/data/records';
import type { AuditLine } from '../../src/activities/data/output/audit';
import type { DataReport } from '../../src/activities/data/report';
import { openArtifactStore, type ArtifactRef } from '../../src/artifacts/store';
import { projectRoot } from '../../src/config/paths';
import { loadSpecFile } from '../../src/spec/load';
import type { PipelineSpec } from '../../src/spec/schema';
import { BAD_DATA, captureAsyncFailure, jsonErrorOf, listFiles, makeTempDir, specWithData, TINY_SUPPORT, writeLines } from './helpers';

describe('prepareData', () => {
  const saved = { artifacts: process.env.TEMPERED_ARTIFACTS, tmpdir: process.env.TMPDIR, roots: process.env.TEMPERED_DATA_ROOTS };
  // The fixtures and the files tests write are where this worker may read data from.
  const dataRoots = [path.join(projectRoot, 'test', 'fixtures'), os.tmpdir()].join(path.delimiter);
  let storeDir: string;
  let workRoot: string;

  beforeEach(() => {
    storeDir = makeTempDir('tempered-data-store-');
    // prepareData makes its work directory under os.tmpdir(); a private one shows whether it cleans up.
    workRoot = makeTempDir('tempered-data-tmp-');
    process.env.TEMPERED_ARTIFACTS = storeDir;
    process.env.TMPDIR = workRoot;
    process.env.TEMPERED_DATA_ROOTS = dataRoots;
  });

  afterEach(() => {
    for (const [key, value] of [['TEMPERED_ARTIFACTS', saved.artifacts], ['TMPDIR', saved.tmpdir], ['TEMPERED_DATA_ROOTS', saved.roots]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(storeDir, { recursive: true, force: true });
    fs.rmSync(workRoot, { recursive: true, force: true });
  });

  const tinySupport = () => loadSpecFile(path.join(projectRoot, 'test/fixtures/pipelines/tiny-support.yaml'));

  async function readSplit(ref: ArtifactRef): Promise<CanonicalRecord[]> {
    const text = (await openArtifactStore({ kind: 'local', dir: storeDir }).getBytes(ref)).toString('utf8');
    return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as CanonicalRecord);
  }

  describe('on the tiny support data', () => {
    let result: PreparedData;
    beforeEach(async () => {
      result = await prepareData(tinySupport());
    });

    it('keeps all 24 FAQ rows and the answers of the 9 dialogs rated 3 or more, dropping the 3 rated lower', () => {
      assert.deepEqual(result.counts, {
        collected: 34,
        kept: 34,
        redacted: 1,
        train: 27,
        validation: 3,
        test: 4,
        dropped: { low_satisfaction: 3, incomplete: 0, duplicate: 0, near_duplicate: 0, superseded: 0, skipped: 0, contaminated: 0 },
      });
      assert.equal(result.scores.completeness, 1);
      assert.equal(result.scores.duplicate_rate, 0);
      assert.equal(result.cached, false);
      assert.deepEqual(result.categories, { account: 4, billing: 5, orders: 6, products: 4, returns: 6, shipping: 6, warranty: 3 });
    });

    it('stores the splits as JSONL of canonical records that start with the system prompt', async () => {
      const splits = { train: await readSplit(result.train), validation: await readSplit(result.validation), test: await readSplit(result.test) };
      assert.deepEqual([splits.train.length, splits.validation.length, splits.test.length], [27, 3, 4]);
      assert.equal(result.train.mediaType, 'application/jsonl');
      for (const record of [...splits.train, ...splits.validation, ...splits.test]) {
        assert.match(record.id, /^[0-9a-f]{16}$/);
        assert.deepEqual(record.messages[0], { role: 'system', content: 'You are a support assistant.' });
        assert.equal(record.messages[record.messages.length - 1].role, 'assistant');
        assert.match(`${record.source.uri}:${record.source.line}`, new RegExp(`^${TINY_SUPPORT}/(faq\\.csv|chat_logs\\.jsonl):\\d+$`));
      }
    });

    it('puts no question in two splits', async () => {
      const seen = new Map<string, string>();
      for (const split of ['train', 'validation', 'test'] as const) {
        for (const record of await readSplit(result[split])) {
          const question = normaliseText(questionOf(record));
          assert.equal(seen.get(question) ?? split, split, `"${question}" is in ${seen.get(question)} and ${split}`);
          seen.set(question, split);
        }
      }
    });

    it('stores a report with per-source stats, and an audit of every dropped or redacted row with its file and line', async () => {
      const store = openArtifactStore({ kind: 'local', dir: storeDir });
      const report = await store.getJson<DataReport>(result.report);
      assert.equal(report.counts.kept, result.counts.kept);
      assert.deepEqual(
        report.sources.map((s) => [s.file, s.records, s.kept, s.dropped_at_source]),
        [
          [`${TINY_SUPPORT}/faq.csv`, 24, 24, 0],
          [`${TINY_SUPPORT}/chat_logs.jsonl`, 10, 10, 3],
        ],
      );
      const audit = (await store.getBytes(result.audit)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditLine);
      assert.deepEqual(
        audit.map((a) => `${a.file}:${a.line} ${a.action} ${a.reason}${a.kinds ? ` ${a.kinds.join(',')}` : ''}`),
        [
          `${TINY_SUPPORT}/chat_logs.jsonl:3 dropped low_satisfaction`,
          `${TINY_SUPPORT}/chat_logs.jsonl:6 dropped low_satisfaction`,
          `${TINY_SUPPORT}/chat_logs.jsonl:9 dropped low_satisfaction`,
          `${TINY_SUPPORT}/chat_logs.jsonl:11 redacted pii email`,
        ],
      );
    });

    it('returns only refs and counts, and leaves no work directory behind', () => {
      assert.ok(JSON.stringify(result).length < 2000);
      assert.deepEqual(fs.readdirSync(workRoot), []);
    });

    it('reuses its outputs for the same content and settings, and splits differently for another seed', async () => {
      const again = await prepareData(tinySupport());
      assert.deepEqual(again, { ...result, cached: true });
      const { spec, baseDir } = tinySupport();
      const reseeded: PipelineSpec = { ...spec, data: { ...spec.data, split: { ...spec.data.split, seed: 7 } } };
      const other = await prepareData({ spec: reseeded, baseDir });
      assert.notEqual(other.train.sha256, result.train.sha256);
    });
  });

  describe('on bad data', () => {
    const badSpec = (file: string, type: 'faq_csv' | 'chat_logs', quality?: object) =>
      specWithData({ sources: [{ type, path: file }], ...(quality ? { quality } : {}) });

    async function expectFailure(spec: PipelineSpec, type: string, message: string): Promise<void> {
      const failure = await captureAsyncFailure(prepareData({ spec, baseDir: path.join(projectRoot, BAD_DATA) }));
      assert.equal(failure.type, type);
      assert.equal(failure.nonRetryable, true);
      assert.equal(failure.message, message);
      assert.deepEqual(listFiles(storeDir), [], 'nothing may be stored after a failure');
      assert.deepEqual(fs.readdirSync(workRoot), []);
    }

    it('refuses a source outside its data roots without reading it, whatever the activity input says', async () => {
      const baseDir = path.join(projectRoot, BAD_DATA);
      // As many ".." as the checkout is deep, so the path leads to /etc/hosts wherever the project lies.
      const escaping = path.relative(baseDir, '/etc/hosts');
      const spec = specWithData({ sources: [{ type: 'faq_csv', path: '/etc/passwd' }, { type: 'chat_logs', path: escaping }] });
      const failure = await captureAsyncFailure(prepareData({ spec, baseDir }));
      assert.equal(failure.type, 'PathNotAllowed');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, /data\.sources\.0\.path: "\/etc\/passwd" lies outside the spec's directory and the workers' data roots/);
      assert.match(failure.message, /data\.sources\.1\.path: "\/etc\/hosts" lies outside/);
      assert.doesNotMatch(failure.message, /root:|localhost/);
      assert.deepEqual(listFiles(storeDir), [], 'nothing may be stored after a failure');
    });

    it('names the missing column and the header found', async () => {
      await expectFailure(
        badSpec('faq-missing-column.csv', 'faq_csv'),
        'InvalidData',
        `${BAD_DATA}/faq-missing-column.csv:1: missing column "answer" (header: question, category)`,
      );
    });

    it('fails the quality gate on an empty answer, pointing at its line', async () => {
      await expectFailure(
        badSpec('faq-empty-answer.csv', 'faq_csv', { min_examples: 1 }),
        'DataQualityGateFailed',
        `data quality gate failed: completeness 0.83 < 0.95 (1 of 6 records incomplete, first: ${BAD_DATA}/faq-empty-answer.csv:4)`,
      );
    });

    it('names the line of malformed JSON', async () => {
      const line3 = fs.readFileSync(path.join(projectRoot, BAD_DATA, 'chat-malformed.jsonl'), 'utf8').split('\n')[2];
      await expectFailure(badSpec('chat-malformed.jsonl', 'chat_logs'), 'InvalidData', `${BAD_DATA}/chat-malformed.jsonl:3: invalid JSON (${jsonErrorOf(line3)})`);
    });

    it('names the line of a dialog without messages', async () => {
      await expectFailure(
        badSpec('chat-no-messages.jsonl', 'chat_logs'),
        'InvalidData',
        `${BAD_DATA}/chat-no-messages.jsonl:2: missing "messages" (expected an array of {"role", "content"} objects)`,
      );
    });

    it('lists the problems of every source in one failure', async () => {
      const spec = specWithData({
        sources: [
          { type: 'faq_csv', path: 'faq-missing-column.csv' },
          { type: 'chat_logs', path: 'chat-no-messages.jsonl' },
          { type: 'chat_jsonl', path: 'no-such-file.jsonl' },
        ],
      });
      const missing = path.join(projectRoot, BAD_DATA, 'no-such-file.jsonl');
      await expectFailure(
        spec,
        'InvalidData',
        [
          `${BAD_DATA}/faq-missing-column.csv:1: missing column "answer" (header: question, category)`,
          `${BAD_DATA}/chat-no-messages.jsonl:2: missing "messages" (expected an array of {"role", "content"} objects)`,
          `${BAD_DATA}/no-such-file.jsonl: file not found (${missing})`,
        ].join('\n'),
      );
    });
  });

  it('drops a question answered the same way in two sources once, and counts it', async () => {
    const dir = makeTempDir();
    try {
      const faqRows = Array.from({ length: 12 }, (_, i) => `Question ${i}?,Answer ${i}.,general`);
      writeLines(dir, 'faq.csv', ['question,answer,category', ...faqRows]);
      writeLines(dir, 'chat.jsonl', [JSON.stringify({ messages: [{ role: 'user', content: 'question 3' }, { role: 'assistant', content: 'Answer 3' }] })]);
      const spec = specWithData({ sources: [{ type: 'faq_csv', path: 'faq.csv' }, { type: 'chat_jsonl', path: 'chat.jsonl' }], quality: { min_examples: 10 } });
      const result = await prepareData({ spec, baseDir: dir });
      assert.deepEqual(result.counts.dropped, { low_satisfaction: 0, incomplete: 0, duplicate: 1, near_duplicate: 0, superseded: 0, skipped: 0, contaminated: 0 });
      assert.equal(result.counts.kept, 12);
      assert.equal(result.scores.duplicate_rate, 1 / 13);
      const audit = (await openArtifactStore({ kind: 'local', dir: storeDir }).getBytes(result.audit)).toString('utf8').trim();
      assert.deepEqual(JSON.parse(audit), { file: path.join(dir, 'chat.jsonl'), line: 1, action: 'dropped', reason: 'duplicate', of: { file: path.join(dir, 'faq.csv'), line: 5 } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reuses its outputs while the content and settings are unchanged, whatever the files are called', async () => {
    const dir = makeTempDir();
    try {
      const rows = Array.from({ length: 12 }, (_, i) => `"How do I care for item ${i}?","Item ${i} needs ${['oil', 'wax', 'soap', 'dusting'][i % 4]} every ${i + 2} weeks, away from ${['sun', 'heat', 'damp'][i % 3]}.",care`);
      writeLines(dir, 'faq.csv', ['question,answer,category', ...rows]);
      const spec = (file: string) => specWithData({ sources: [{ type: 'faq_csv', path: file }], quality: { min_examples: 10 } });
      const first = await prepareData({ spec: spec('faq.csv'), baseDir: dir });
      assert.equal(first.cached, false);
      fs.renameSync(path.join(dir, 'faq.csv'), path.join(dir, 'renamed.csv'));
      assert.deepEqual(await prepareData({ spec: spec('renamed.csv'), baseDir: dir }), { ...first, cached: true });
      writeLines(dir, 'renamed.csv', ['question,answer,category', ...rows.slice(0, 11), '"How do I care for item 11?","Item 11 needs nothing at all.",care']);
      const changed = await prepareData({ spec: spec('renamed.csv'), baseDir: dir });
      assert.equal(changed.cached, false);
      assert.notEqual(changed.report.sha256, first.report.sha256);
      const stricter = await prepareData({ spec: { ...spec('renamed.csv'), data: { ...spec('renamed.csv').data, max_length: 256 } }, baseDir: dir });
      assert.equal(stricter.cached, false, 'a setting of the data section is part of the key');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('heartbeats the record count of each pass every 2000 records, with the total the second pass will reach, when run as an activity', async () => {
    const dir = makeTempDir();
    try {
      const lines = Array.from({ length: 4500 }, (_, i) => JSON.stringify({ instruction: `Question ${i}?`, output: `Answer ${i}.` }));
      const file = writeLines(dir, 'alpaca.jsonl', lines);
      const env = new MockActivityEnvironment();
      const heartbeats: unknown[] = [];
      env.on('heartbeat', (details: unknown) => heartbeats.push(details));
      const result: PreparedData = await env.run(prepareData, { spec: specWithData({ sources: [{ type: 'instruction_jsonl', path: file }] }), baseDir: dir });
      assert.equal(result.counts.kept, 4500);
      assert.deepEqual(heartbeats, [
        { pass: 'analysing', records: 2000 },
        { pass: 'analysing', records: 4000 },
        { pass: 'writing', records: 0, total: 4500 },
        { pass: 'writing', records: 2000, total: 4500 },
        { pass: 'writing', records: 4000, total: 4500 },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
