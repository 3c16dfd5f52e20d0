import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareData, type PreparedData } from '../../src/activities/data/prepare-data';
import type { AuditLine } from '../../src/activities/data/output/audit';
import type { CanonicalRecord } from '../../src/activities/data/records';
import { openArtifactStore, type ArtifactRef } from '../../src/artifacts/store';
import { projectRoot } from '../../src/config/paths';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { loadSpecFile } from '../../src/spec/load';
import { pipelineSpecSchema, type PipelineSpec } from '../../src/spec/schema';
import { parse } from 'yaml';
import { makeTempDir } from './helpers';

describe('prepareData with production feedback', function () {
  this.timeout(120_000);
  const saved = { artifacts: process.env.TEMPERED_ARTIFACTS, roots: process.env.TEMPERED_DATA_ROOTS };
  let storeDir: string;

  before(() => {
    storeDir = makeTempDir('tempered-feedback-store-');
    process.env.TEMPERED_ARTIFACTS = storeDir;
    process.env.TEMPERED_DATA_ROOTS = [path.join(projectRoot, 'test', 'fixtures'), os.tmpdir()].join(path.delimiter);
  });
  after(() => {
    for (const [key, value] of [['TEMPERED_ARTIFACTS', saved.artifacts], ['TEMPERED_DATA_ROOTS', saved.roots]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  const tiny = loadSpecFile(path.join(projectRoot, 'test/fixtures/pipelines/tiny-support.yaml'));
  const learning = (minRating?: number): PipelineSpec => ({
    ...tiny.spec,
    data: { ...tiny.spec.data, production_feedback: { include: true, ...(minRating ? { min_rating: minRating } : {}) } },
    deployment: { ...tiny.spec.deployment, serving: { ...tiny.spec.deployment.serving, log_text: true } },
  });
  const store = () => openArtifactStore();
  const read = async (ref: ArtifactRef): Promise<string[]> => {
    const text = (await store().getBytes(ref)).toString('utf8');
    return text === '' ? [] : text.trimEnd().split('\n');
  };
  const records = async (ref: ArtifactRef) => (await read(ref)).map((l) => JSON.parse(l) as CanonicalRecord);
  const question = (r: CanonicalRecord) => r.messages.filter((m) => m.role === 'user').at(-1)!.content;
  const answer = (r: CanonicalRecord) => r.messages.at(-1)!.content;

  let withoutLog: PreparedData;
  let withLog: PreparedData;
  let heldOut: CanonicalRecord;
  let trained: CanonicalRecord;

  it('refuses a spec that learns from feedback the server does not log', () => {
    const raw = parse(fs.readFileSync(tiny.file, 'utf8')) as { data: Record<string, unknown> };
    const parsed = pipelineSpecSchema.safeParse({ ...raw, data: { ...raw.data, production_feedback: { include: true } } });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /deployment\.serving\.log_text/);
  });

  it('adds resolved production answers to train only, redacted and deduplicated, and leaves the held-out splits as they were', async () => {
    withoutLog = await prepareData({ spec: learning(3), baseDir: tiny.baseDir });
    assert.equal(withoutLog.counts.feedback, 0, 'an empty log adds nothing');
    heldOut = (await records(withoutLog.test)).find((r) => r.source.uri.endsWith('faq.csv'))!;
    trained = (await records(withoutLog.train))[0]!;

    const at = (i: number) => new Date(Date.UTC(2026, 10, 20, 9, 0, i)).toISOString();
    const exchange = (id: string, i: number, prompt: string | undefined, reply: string | undefined, outcome?: { resolved: boolean; rating?: number }): LogEvent[] => [
      { type: 'request', id, at: at(i), latency_s: 0.4, error: false, prompt_tokens: 9, completion_tokens: 12, ...(prompt ? { prompt, answer: reply } : {}) },
      ...(outcome ? [{ type: 'feedback' as const, id, at: at(i + 1), ...outcome }] : []),
    ];
    const events: LogEvent[] = [
      ...exchange('new', 0, 'Do you ship to Canada? Write to me at dana.k@example.com', 'Yes, we ship to Canada in 5 to 8 business days.', { resolved: true, rating: 5 }),
      ...exchange('repeat', 2, question(trained), answer(trained), { resolved: true }),
      ...exchange('held-out', 4, question(heldOut), 'A different answer to a question the test split asks.', { resolved: true }),
      ...exchange('unresolved', 6, 'Can I pay with a gift card?', 'No.', { resolved: false }),
      ...exchange('low-rated', 8, 'Do you price match?', 'Sometimes, ask us.', { resolved: true, rating: 1 }),
      ...exchange('no-text', 10, undefined, undefined, { resolved: true }),
      ...exchange('no-feedback', 12, 'Where is your warehouse?', 'In Ohio.'),
    ];
    await writeFeedbackBatch(store(), { pipeline: 'tiny-support', version: 3, arm: 'production' }, events.slice(0, 8));
    await writeFeedbackBatch(store(), { pipeline: 'tiny-support', version: 4, arm: 'treatment' }, events.slice(8));

    withLog = await prepareData({ spec: learning(3), baseDir: tiny.baseDir });
    assert.equal(withLog.cached, false, 'new feedback is new input');
    assert.equal(withLog.counts.feedback, 3, 'resolved, rated 3 or more or not rated, and logged with text');

    const train = await records(withLog.train);
    const learnt = train.filter((r) => r.category === 'production-feedback');
    assert.equal(learnt.length, 1, 'the repeat is a duplicate and the held-out question is contaminated');
    assert.match(question(learnt[0]!), /^Do you ship to Canada\? Write to me at <EMAIL>$/);
    assert.equal(learnt[0]!.messages[0]!.role, 'system', 'the spec\'s system prompt applies as to any source');

    assert.deepEqual(await read(withLog.test), await read(withoutLog.test), 'the test split does not move');
    assert.deepEqual(await read(withLog.validation), await read(withoutLog.validation), 'nor does validation');
    assert.equal(withLog.counts.train, withoutLog.counts.train + 1);
    assert.equal(withLog.counts.dropped.contaminated, 1);
    assert.equal(withLog.counts.dropped.duplicate, 1);

    const audit = (await read(withLog.audit)).map((l) => JSON.parse(l) as AuditLine);
    const contaminated = audit.find((l) => l.reason === 'contaminated');
    assert.ok(contaminated, 'the audit names the contaminated record');
    assert.match(contaminated.file, /^feedback\/tiny-support \(serving log\)$/);
    const testRecords = new Set((await records(withLog.test)).map((r) => `${r.source.uri}:${r.source.line}`));
    assert.ok(testRecords.has(`${contaminated.of?.file}:${contaminated.of?.line}`), 'and the held-out record it repeats');
  });

  it('does not let a feedback record that links a train group to a held-out one move either (near-duplicates kept)', async () => {
    // Forty questions with long answers of words of their own: no two are near-duplicates of each other.
    const words = (i: number, n: number) => Array.from({ length: n }, (_, k) => `w${i}x${k}`).join(' ');
    const dir = makeTempDir('tempered-feedback-bridge-');
    const file = path.join(dir, 'support.jsonl');
    const originals = Array.from({ length: 40 }, (_, i) => ({ messages: [{ role: 'user', content: `Question ${i} ${words(i, 3)}?` }, { role: 'assistant', content: `${words(i + 1000, 80)}.` }] }));
    fs.writeFileSync(file, originals.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const spec: PipelineSpec = {
      ...learning(),
      name: 'tiny-bridge',
      data: {
        ...learning().data,
        sources: [{ type: 'chat_jsonl', path: file, expert: false }],
        deduplication: { ...tiny.spec.data.deduplication, near_duplicates: 'keep' },
      },
    };
    const before = await prepareData({ spec, baseDir: dir });
    const splitOf = new Map<string, string>();
    for (const split of ['train', 'validation', 'test'] as const) for (const r of await records(before[split])) splitOf.set(question(r), split);
    const trainQuestion = [...splitOf].find(([, split]) => split === 'train')![0];
    const heldOut = originals.find((r) => splitOf.get(r.messages[0]!.content) === 'test')!;
    // Asks the train question, answered with the held-out record's long answer: the same opening as the one, a near
    // duplicate of the other.
    const at = new Date(Date.UTC(2026, 10, 21, 9, 0, 0)).toISOString();
    await writeFeedbackBatch(store(), { pipeline: 'tiny-bridge', version: 1, arm: 'production' }, [
      { type: 'request', id: 'bridge', at, latency_s: 0.4, error: false, prompt_tokens: 9, completion_tokens: 80, prompt: trainQuestion, answer: heldOut.messages[1]!.content },
      { type: 'feedback', id: 'bridge', at, resolved: true },
    ]);
    const after = await prepareData({ spec, baseDir: dir });
    assert.equal(after.counts.feedback, 1);
    assert.deepEqual(await read(after.test), await read(before.test), 'the test split does not move');
    assert.deepEqual(await read(after.validation), await read(before.validation), 'nor does validation');
    assert.deepEqual(await read(after.train), await read(before.train), 'the feedback record repeats a test answer: it is not trained on');
    const audit = (await read(after.audit)).map((l) => JSON.parse(l) as AuditLine);
    const contaminated = audit.find((l) => l.reason === 'contaminated');
    assert.ok(contaminated, 'the audit names the bridging record');
    const testLines = new Set((await records(after.test)).map((r) => r.source.line));
    assert.ok(contaminated.of && testLines.has(contaminated.of.line), `it points at a test record: ${JSON.stringify(contaminated)}`);
  });

  it('reuses the prepared data while the log is unchanged', async () => {
    const again = await prepareData({ spec: learning(3), baseDir: tiny.baseDir });
    assert.equal(again.cached, true);
    assert.deepEqual(again.train, withLog.train);
  });
});
