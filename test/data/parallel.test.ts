import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runDataCheck, type Parallelism } from '../../src/activities/data/data-check';
import { readLineBatches } from '../../src/activities/data/input/line-batches';
import { localFile } from '../../src/activities/data/input/local-files';
import { specWithData, useTempDir, writeLines } from './helpers';

const chat = (question: string, answer: string) => JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }] });

/** A few thousand records with exact and near duplicates, PII, Japanese, bad lines and a CSV source in between. */
function writeCorpus(dir: string): Record<string, unknown> {
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const item = ['kettle', 'mug', 'lamp', 'chair', 'vase'][i % 5];
    const answer =
      i % 7 === 0
        ? `ご注文${i}の${item}は明日発送いたします。お問い合わせありがとうございます。`
        : `Your ${item} from order ${1000 + (i % 2400)} ships on day ${i % 9}; write to help${i % 50}@example.com or call +44 20 7946 ${String(i % 10000).padStart(4, '0')} if it does not arrive.`;
    lines.push(chat(`Where is my ${item} number ${i % 2600}?`, i % 11 === 0 ? answer.replace('ships', 'really ships') : answer));
    if (i % 997 === 0) lines.push('{"messages": [broken');
    if (i % 1499 === 0) lines.push('');
  }
  writeLines(dir, 'a.jsonl', lines.slice(0, 2000));
  fs.writeFileSync(path.join(dir, 'faq.csv'), 'question,answer\nHow do I return a mug?,Send it back within 30 days for a full refund.\nHow do I return a mug?,Send it back within 30 days for a full refund.\n');
  writeLines(dir, 'b.jsonl', lines.slice(2000));
  return {
    quality: { min_examples: 1, max_skipped_fraction: 0.05 },
    sources: [
      { type: 'chat_jsonl', path: 'a.jsonl' },
      { type: 'faq_csv', path: 'faq.csv', question_column: 'question', answer_column: 'answer' },
      { type: 'chat_jsonl', path: 'b.jsonl' },
    ],
  };
}

describe('data check on worker threads', function () {
  this.timeout(120_000);
  const tempDir = useTempDir();

  async function run(dir: string, data: Record<string, unknown>, parallel: Partial<Parallelism>, name: string) {
    const out = path.join(dir, name);
    const result = await runDataCheck(specWithData(data), dir, { confine: false, outDir: out, writeWhenGateFails: true, parallel });
    const files = result.written!;
    return {
      report: result.report,
      audit: fs.readFileSync(files.audit, 'utf8'),
      splits: Object.values(files.splits).map((file) => fs.readFileSync(file, 'utf8')),
    };
  }

  it('gives the same splits, audit and report on any number of threads and any batch size', async () => {
    const dir = tempDir();
    const data = writeCorpus(dir);
    const alone = await run(dir, data, { threads: 0 }, 'alone');
    const threaded = await run(dir, data, { threads: 2, batchBytes: 8 * 1024 }, 'threaded');
    assert.ok(alone.report.counts.collected > 2900);
    assert.ok(alone.report.counts.dropped.duplicate + alone.report.counts.dropped.near_duplicate > 0);
    assert.ok(alone.report.counts.redacted > 0);
    assert.match(alone.audit, /"action":"skipped","reason":"invalid"/);
    assert.deepEqual(threaded.splits, alone.splits);
    assert.equal(threaded.audit, alone.audit);
    assert.deepEqual(threaded.report, alone.report);
  });

  it('cuts a file into the same batches of whole lines, with readLines line numbers', async () => {
    const dir = tempDir();
    const file = writeLines(dir, 'x.jsonl', Array.from({ length: 500 }, (_, i) => `{"n": ${i}}`));
    fs.appendFileSync(file, '{"n": "last, without a line feed"}');
    const cut = async () => {
      const batches: { firstLine: number; lines: number; text: string }[] = [];
      for await (const batch of readLineBatches(localFile(file), 1000)) {
        assert.equal(batch.kind, 'lines');
        if (batch.kind === 'lines') batches.push({ firstLine: batch.firstLine, lines: batch.lines, text: batch.bytes.toString('utf8') });
      }
      return batches;
    };
    const batches = await cut();
    assert.ok(batches.length > 5);
    assert.equal(batches.map((b) => b.text).join(''), fs.readFileSync(file, 'utf8'));
    for (const [i, b] of batches.entries()) if (i > 0) assert.equal(b.firstLine, batches[i - 1]!.firstLine + batches[i - 1]!.lines);
    assert.equal(batches.at(-1)!.firstLine + batches.at(-1)!.lines - 1, 501);
    assert.deepEqual(await cut(), batches);
  });
});
