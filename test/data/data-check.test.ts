import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runDataCheck, type DataCheckResult } from '../../src/activities/data/data-check';
import type { AuditLine } from '../../src/activities/data/output/audit';
import type { CanonicalRecord } from '../../src/activities/data/records';
import { captureAsyncFailure, specWithData, useTempDir, writeLines } from './helpers';

/** Runs the data check over files in `dir`, with the given `data` section, and reads back what it wrote. */
async function check(dir: string, data: Record<string, unknown>) {
  const out = path.join(dir, 'out');
  const result = await runDataCheck(specWithData({ quality: { min_examples: 1 }, ...data }), dir, { confine: false, outDir: out, writeWhenGateFails: true });
  return { result, audit: auditOf(result), splits: splitsOf(result) };
}

const readJsonl = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
const auditOf = (r: DataCheckResult) => readJsonl<AuditLine>(r.written!.audit);
const splitsOf = (r: DataCheckResult) => ['train', 'validation', 'test'].flatMap((s) => readJsonl<CanonicalRecord>(r.written!.splits[s as 'train']));

const chat = (question: string, answer: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }], ...extra });

/** Distinct, realistic answers: each combines its own sentences, so no two share more than a phrase. */
function answerNumber(i: number): string {
  const items = ['walnut side table', 'linen duvet cover', 'stoneware mug set', 'oak bookshelf', 'wool throw blanket', 'glass vase', 'bamboo cutting board', 'cotton bath towel', 'rattan chair', 'copper kettle', 'ceramic planter', 'velvet cushion'];
  const first = [
    'Thanks for waiting while I looked into this',
    'I checked the order history on your account',
    'Good news about your recent purchase',
    'Sorry for the trouble with this delivery',
    'I can see exactly what happened here',
    'Our warehouse team confirmed the details this morning',
    'That is a fair question and easy to sort out',
  ];
  const middle = [
    `the ${items[i % items.length]} from order ${1000 + i} is booked for ${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][i % 5]} between ${8 + (i % 9)} and ${10 + (i % 9)}`,
    `we refunded ${10 + i} pounds to the card ending ${1000 + ((i * 37) % 9000)} for the ${items[(i + 3) % items.length]}`,
    `a replacement ${items[(i + 5) % items.length]} leaves our ${['Leeds', 'Bristol', 'Glasgow', 'Cardiff'][i % 4]} depot within ${2 + (i % 4)} working days`,
    `the courier scanned parcel ${50000 + i * 13} at the ${['north', 'south', 'east', 'west'][i % 4]} hub late last night`,
  ];
  const last = [
    'and you will get a text message with a one hour window.',
    'so there is nothing else you need to do right now.',
    'and I have added a note so nobody asks you again.',
    'which should reach your bank statement in three to five days.',
    'and the old one can go to recycling, no need to send it back.',
  ];
  return `${first[i % first.length]}: ${middle[i % middle.length]} ${i}, ${last[(i * 3) % last.length]}`;
}

/** The same answer with its 4th word replaced and a word added after its 12th: a near-duplicate by the rule. */
function twoWordsChanged(text: string): string {
  const words = text.split(' ');
  words[3] = 'really';
  words.splice(12, 0, 'indeed');
  return words.join(' ');
}

describe('data check', function () {
  this.timeout(30_000);
  const tempDir = useTempDir();
  const tempDir2 = useTempDir();

  it('reads plain, gzip and glob sources and names every record by its file and line', async () => {
    const dir = tempDir();
    writeLines(dir, 'faq.csv', ['question,answer,category', ...Array.from({ length: 5 }, (_, i) => `"Question ${i}?","${answerNumber(i)}",orders`)]);
    fs.writeFileSync(path.join(dir, 'chat.jsonl.gz'), gzipSync(Array.from({ length: 5 }, (_, i) => `${chat(`Chat question ${i}?`, answerNumber(10 + i))}\n`).join('')));
    fs.mkdirSync(path.join(dir, 'shards'));
    for (const part of [1, 2]) writeLines(path.join(dir, 'shards'), `part-${part}.jsonl`, [chat(`Shard ${part} question?`, answerNumber(20 + part))]);
    const { result, splits } = await check(dir, {
      sources: [
        { type: 'faq_csv', path: 'faq.csv' },
        { type: 'chat_jsonl', path: 'chat.jsonl.gz' },
        { type: 'chat_jsonl', path: 'shards/*.jsonl' },
      ],
    });
    assert.equal(result.passed, true);
    assert.deepEqual(
      result.report.sources.map((s) => [path.basename(s.file), s.records, s.kept]),
      [['faq.csv', 5, 5], ['chat.jsonl.gz', 5, 5], ['part-1.jsonl', 1, 1], ['part-2.jsonl', 1, 1]],
    );
    assert.equal(splits.length, 12);
    assert.ok(splits.some((r) => r.source.uri.endsWith('chat.jsonl.gz') && r.source.line === 3));
    assert.match(result.report.sources[1]!.sha256, /^[0-9a-f]{64}$/);
  });

  it('drops exact duplicates that differ only in case, punctuation, width or spacing, naming the record kept', async () => {
    const dir = tempDir();
    writeLines(dir, 'chat.jsonl', [
      chat('How do I return an item?', 'Start a return from Your Orders.'),
      chat('ＨＯＷ do I return   an item', 'start a return from your orders!!'),
      chat('Where is my parcel?', 'Use the tracking link.'),
    ]);
    const { result, audit } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }] });
    assert.equal(result.report.counts.dropped.duplicate, 1);
    assert.deepEqual(audit, [{ file: path.join(dir, 'chat.jsonl'), line: 2, action: 'dropped', reason: 'duplicate', of: { file: path.join(dir, 'chat.jsonl'), line: 1 } }]);
  });

  it('drops near-duplicates in English and in Japanese at the default settings', async () => {
    const dir = tempDir();
    const ja = '返品をご希望の場合は、商品到着後三十日以内にマイページの注文履歴から返品手続きを開始してください。返送用の伝票はメールでお送りします。';
    writeLines(dir, 'chat.jsonl', [
      ...Array.from({ length: 6 }, (_, i) => chat(`Where is order ${1000 + i}?`, answerNumber(i))),
      chat('Where is order 1002?', twoWordsChanged(answerNumber(2))),
      chat('返品の方法を教えてください。', ja),
      chat('返品の方法を教えてください', ja.replace('三十日以内', '30日以内').replace('お送りします', 'お届けします')),
    ]);
    const { result, audit } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }] });
    const near = audit.filter((a) => a.reason === 'near_duplicate').map((a) => [a.line, a.of?.line]);
    assert.deepEqual(near, [
      [7, 3],
      [9, 8],
    ]);
    assert.equal(result.report.counts.kept, 7);
  });

  it('lets an expert source win over another source that answers the same question differently', async () => {
    const dir = tempDir();
    writeLines(dir, 'chat.jsonl', [chat('Can I return a sale item?', 'No, sale items are final.'), chat('How long is the warranty?', 'Two years on furniture.')]);
    writeLines(dir, 'expert.csv', ['question,answer', '"Can I return a sale item?","Yes, within 14 days, unless it was marked final sale."']);
    const { result, audit, splits } = await check(dir, {
      sources: [
        { type: 'chat_jsonl', path: 'chat.jsonl' },
        { type: 'faq_csv', path: 'expert.csv', expert: true },
      ],
    });
    assert.deepEqual(audit, [{ file: path.join(dir, 'chat.jsonl'), line: 1, action: 'dropped', reason: 'superseded', of: { file: path.join(dir, 'expert.csv'), line: 2 } }]);
    assert.equal(result.report.counts.dropped.superseded, 1);
    assert.ok(splits.some((r) => r.messages.at(-1)!.content.startsWith('Yes, within 14 days')));
  });

  it('flags contradicting answers, placeholders, truncated answers and language mismatches against accuracy and consistency', async () => {
    const dir = tempDir();
    writeLines(dir, 'chat.jsonl', [
      chat('Do you ship to Ireland?', 'Yes, delivery to Ireland takes three to five working days.'),
      chat('Do you ship to Ireland?', 'No, we only ship within the UK at the moment.'),
      chat('What is your phone number?', 'Call us on {{support_phone}} any weekday.'),
      chat('How do I clean the oak table?', 'Wipe it with a damp cloth, then dry it with a soft towel and'),
      chat('What are your opening hours?', '営業時間は平日の午前九時から午後六時までです。'),
      ...Array.from({ length: 5 }, (_, i) => chat(`Question number ${i}?`, answerNumber(i))),
    ]);
    const { result, audit } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }] });
    const flagged = audit.filter((a) => a.action === 'flagged').map((a) => `${a.line} ${a.reason}`);
    assert.deepEqual(flagged, ['1 contradiction', '2 contradiction', '3 placeholder', '4 truncated', '5 language_mismatch']);
    assert.equal(result.report.scores.accuracy, 6 / 10);
    assert.equal(result.report.scores.consistency, 9 / 10);
  });

  it('applies the spec\'s formatting rules and register as consistency findings', async () => {
    const dir = tempDir();
    writeLines(dir, 'chat.jsonl', [
      chat('返品できますか？', '到着後三十日以内であれば返品できます。'),
      chat('送料はいくらですか？', '五千円以上のご注文は送料無料です。'),
      chat('支払い方法は？', 'クレジットカードと銀行振込が使える。'),
      chat('Can you help?', 'As an AI I cannot help with that.'),
    ]);
    const { audit } = await check(dir, {
      sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }],
      quality: { min_examples: 1, format: { forbidden_phrases: ['As an AI'], required_register: 'polite' } },
    });
    const flagged = audit.filter((a) => a.action === 'flagged').map((a) => `${a.line} ${a.reason}${a.detail ? `: ${a.detail}` : ''}`);
    assert.deepEqual(flagged, ['3 register', '4 format: forbidden phrase "As an AI"']);
  });

  it('redacts PII in the splits and lists its kinds, never its values, in the audit', async () => {
    const dir = tempDir();
    writeLines(dir, 'chat.jsonl', [
      chat('My email is ana.lopez+orders@example.com, can you update it?', 'Done, we will write to you there.'),
      chat('折り返しは090-1234-5678にお願いします。', '承知いたしました。担当者からご連絡いたします。'),
      chat('Card 4111 1111 1111 1111 was charged twice', 'We have refunded the second charge.'),
    ]);
    const { result, audit, splits } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }] });
    assert.deepEqual(
      audit.filter((a) => a.action === 'redacted').map((a) => [a.line, a.kinds]),
      [
        [1, ['email']],
        [2, ['phone']],
        [3, ['credit_card']],
      ],
    );
    const text = JSON.stringify(splits);
    assert.match(text, /My email is <EMAIL>/);
    assert.match(text, /折り返しは<PHONE>に/);
    assert.doesNotMatch(`${text}${fs.readFileSync(result.written!.audit, 'utf8')}`, /ana\.lopez|1234-5678|4111/);
    assert.deepEqual(result.report.pii, { credit_card: 1, email: 1, phone: 1 });
    assert.equal(result.report.counts.redacted, 3);
  });

  it('keeps kept near-duplicates in one split with the record they resemble', async () => {
    const dir = tempDir();
    const lines = [];
    for (let i = 0; i < 40; i++) {
      lines.push(chat(`Question ${i} about my order?`, answerNumber(i)));
      lines.push(chat(`Question ${i} about my order?`, twoWordsChanged(answerNumber(i))));
    }
    writeLines(dir, 'chat.jsonl', lines);
    const { result, splits } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }], deduplication: { near_duplicates: 'keep' } });
    assert.equal(result.report.counts.kept, 80);
    const splitOf = new Map<number, string>();
    for (const name of ['train', 'validation', 'test'] as const) {
      for (const r of readJsonl<CanonicalRecord>(result.written!.splits[name])) splitOf.set(r.source.line, name);
    }
    for (let i = 0; i < 40; i++) assert.equal(splitOf.get(2 * i + 2), splitOf.get(2 * i + 1), `pair ${i} is divided`);
    assert.equal(splits.length, 80);
  });

  it('reports test examples that mostly repeat the training split, and gates on it', async () => {
    const dir = tempDir();
    const boilerplate = 'If the item arrived damaged please keep all of the original packaging and send us two photos of the damage so that our team can arrange a collection and a full replacement at no cost to you.';
    writeLines(dir, 'chat.jsonl', Array.from({ length: 60 }, (_, i) => chat(`Damaged delivery number ${i}?`, `Case ${i}. ${boilerplate}`)));
    // A high similarity threshold keeps the records apart: shared boilerplate is contamination, not duplication.
    const { result } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }], deduplication: { threshold: 0.99 }, quality: { min_examples: 1, max_contamination: 0.2 } });
    assert.ok(result.report.contamination!.tested > 0);
    assert.equal(result.report.scores.contamination, 1);
    assert.equal(result.passed, false);
    assert.deepEqual(result.report.checks.filter((c) => !c.passed).map((c) => c.measure), ['contamination']);
  });

  describe('on bad input', () => {
    const expectInvalid = async (dir: string, sources: object[], message: RegExp) => {
      const failure = await captureAsyncFailure(runDataCheck(specWithData({ sources }), dir, { confine: false, outDir: path.join(dir, 'out'), writeWhenGateFails: false }));
      assert.equal(failure.type, 'InvalidData');
      assert.equal(failure.nonRetryable, true);
      assert.match(failure.message, message);
      assert.equal(fs.existsSync(path.join(dir, 'out')), false, 'nothing is written');
    };

    it('names a binary file', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'data.jsonl'), Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0x0a]));
      await expectInvalid(dir, [{ type: 'chat_jsonl', path: 'data.jsonl' }], /data\.jsonl: a binary file \(it contains NUL bytes\); expected UTF-8 text/);
    });

    it('names an empty file', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'empty.jsonl'), '');
      await expectInvalid(dir, [{ type: 'chat_jsonl', path: 'empty.jsonl' }], /empty\.jsonl: file is empty/);
    });

    it('names a truncated gzip file and the last line read', async () => {
      const dir = tempDir();
      const whole = gzipSync(Array.from({ length: 2000 }, (_, i) => `${chat(`Q${i}?`, answerNumber(i))}\n`).join(''));
      fs.writeFileSync(path.join(dir, 'chat.jsonl.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
      await expectInvalid(dir, [{ type: 'chat_jsonl', path: 'chat.jsonl.gz' }], /chat\.jsonl\.gz:\d+: truncated or corrupt gzip data/);
    });

    it('names a line of tens of megabytes instead of reading it into memory', async () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'chat.jsonl'), `${chat('Q?', 'A.')}\n{"messages": "${'x'.repeat(20 * 1024 * 1024)}"}\n`);
      await expectInvalid(dir, [{ type: 'chat_jsonl', path: 'chat.jsonl' }], /chat\.jsonl:2: line longer than 8 MiB; expected one record per line/);
    });

    it('names unbalanced quotes and a wrong CSV header', async () => {
      const dir = tempDir();
      writeLines(dir, 'quotes.csv', ['question,answer', '"Open quote?,Answer.', 'Q2?,A2.']);
      writeLines(dir, 'header.csv', ['query,reply', 'Q?,A.']);
      await expectInvalid(
        dir,
        [
          { type: 'faq_csv', path: 'quotes.csv' },
          { type: 'faq_csv', path: 'header.csv' },
        ],
        /quotes\.csv:\d+: invalid CSV \(Quote Not Closed[^\n]*\n[^\n]*header\.csv:1: missing column "question" \(header: query, reply\)/,
      );
    });

    it('names chat lines that break the hosted fine-tuning format rules', async () => {
      const dir = tempDir();
      writeLines(dir, 'chat.jsonl', [
        chat('Q?', 'A.'),
        JSON.stringify({ messages: [{ role: 'user', content: 'Q?' }], prompt: 'x' }),
        JSON.stringify({ messages: [{ role: 'customer', content: 'Q?' }] }),
        JSON.stringify({ messages: [{ role: 'user' }] }),
        JSON.stringify({ conversation: [] }),
      ]);
      await expectInvalid(
        dir,
        [{ type: 'chat_jsonl', path: 'chat.jsonl' }],
        /chat\.jsonl:2: unknown key "prompt"[^\n]*\n[^\n]*:3: messages\[0\]: unknown role "customer"[^\n]*\n[^\n]*:4: messages\[0\]\.content: expected a string, got nothing\n[^\n]*:5: missing "messages"/,
      );
    });

    it('skips bad rows up to max_skipped_fraction and lists them in the audit', async () => {
      const dir = tempDir();
      writeLines(dir, 'chat.jsonl', [...Array.from({ length: 19 }, (_, i) => chat(`Question ${i}?`, answerNumber(i))), '{not json']);
      const { result, audit } = await check(dir, { sources: [{ type: 'chat_jsonl', path: 'chat.jsonl' }], quality: { min_examples: 1, max_skipped_fraction: 0.05 } });
      assert.equal(result.report.counts.dropped.skipped, 1);
      assert.deepEqual(audit.filter((a) => a.action === 'skipped').map((a) => [a.line, a.reason]), [[20, 'invalid']]);
      const strict = tempDir2();
      fs.copyFileSync(path.join(dir, 'chat.jsonl'), path.join(strict, 'chat.jsonl'));
      await expectInvalid(strict, [{ type: 'chat_jsonl', path: 'chat.jsonl' }], /chat\.jsonl:20: invalid JSON/);
    });
  });
});
