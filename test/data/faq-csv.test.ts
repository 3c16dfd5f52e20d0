import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { incompleteReason } from '../../src/activities/data/records';
import { collect, invalidDataMessage, source, TINY_SUPPORT, useTempDir, writeLines } from './helpers';

describe('faq_csv source', () => {
  const tempDir = useTempDir();

  it('turns each row into a question and answer, using the column names from the source config', async () => {
    const file = writeLines(tempDir(), 'faq.csv', [
      'topic,reply,ask',
      'billing,You can pay by card.,How can I pay?',
      '',
      'shipping,"Orders ship in 2 days,',
      'tracking links follow by email.",When will my order ship?',
      ',We are open 9-5.,When are you open?',
    ]);
    const { result, problems } = await collect(
      source({ type: 'faq_csv', path: file, question_column: 'ask', answer_column: 'reply', category_column: 'topic' }),
      'Be brief.',
    );
    assert.equal(problems.total, 0);
    assert.deepEqual(
      result.records.map((r) => ({ messages: r.messages.map((m) => `${m.role}: ${m.content}`), category: r.category, line: r.source.line })),
      [
        { messages: ['system: Be brief.', 'user: How can I pay?', 'assistant: You can pay by card.'], category: 'billing', line: 2 },
        {
          messages: ['system: Be brief.', 'user: When will my order ship?', 'assistant: Orders ship in 2 days,\ntracking links follow by email.'],
          category: 'shipping',
          line: 4,
        },
        { messages: ['system: Be brief.', 'user: When are you open?', 'assistant: We are open 9-5.'], category: null, line: 6 },
      ],
    );
    assert.equal(result.records[0].source.uri, file);
  });

  it('reads the 24 rows of the tiny support FAQ, each pointing at its line', async () => {
    const { result, problems } = await collect(source({ type: 'faq_csv', path: `${TINY_SUPPORT}/faq.csv` }));
    assert.equal(problems.total, 0);
    assert.equal(result.records.length, 24);
    assert.deepEqual(
      result.records.map((r) => r.source.line),
      Array.from({ length: 24 }, (_, i) => i + 2),
    );
    assert.deepEqual(result.records[3].messages, [
      { role: 'user', content: 'Where is my order number?' },
      { role: 'assistant', content: 'It starts with "HP" and is in your confirmation email and Order History.' },
    ]);
    assert.equal(result.records[3].category, 'orders');
  });

  it('accepts a byte order mark and Windows line endings', async () => {
    const file = path.join(tempDir(), 'faq.csv');
    fs.writeFileSync(file, '\uFEFFquestion,answer,category\r\nHow can I pay?,By card.,billing\r\n');
    const { result, problems } = await collect(source({ type: 'faq_csv', path: file }));
    assert.equal(problems.total, 0);
    assert.deepEqual(result.records[0].messages, [
      { role: 'user', content: 'How can I pay?' },
      { role: 'assistant', content: 'By card.' },
    ]);
  });

  it('treats a missing category column as no category', async () => {
    const file = writeLines(tempDir(), 'faq.csv', ['question,answer', 'How can I pay?,By card.']);
    const { result, problems } = await collect(source({ type: 'faq_csv', path: file }));
    assert.equal(problems.total, 0);
    assert.equal(result.records[0].category, null);
  });

  it('keeps a row with an empty answer as an incomplete record for the quality check', async () => {
    const file = writeLines(tempDir(), 'faq.csv', ['question,answer,category', 'How can I pay?,,billing']);
    const { result, problems } = await collect(source({ type: 'faq_csv', path: file }));
    assert.equal(problems.total, 0);
    assert.equal(incompleteReason(result.records[0]), 'empty answer');
  });

  it('fails on a missing column, naming the file, the column and the header found', async () => {
    const file = writeLines(tempDir(), 'faq.csv', ['question,reply,category', 'How can I pay?,By card.,billing']);
    assert.equal(await invalidDataMessage(source({ type: 'faq_csv', path: file })), `${file}:1: missing column "answer" (header: question, reply, category)`);
  });

  it('fails on rows whose field count differs from the header, listing each', async () => {
    const file = writeLines(tempDir(), 'faq.csv', ['question,answer,category', 'How can I pay?,By card, or cash,billing', 'Fine?,Yes,x', 'Short,row']);
    assert.equal(
      await invalidDataMessage(source({ type: 'faq_csv', path: file })),
      `${file}:2: expected 3 fields as in the header, found 4\n${file}:4: expected 3 fields as in the header, found 2`,
    );
  });

  it('fails on a quote that is never closed', async () => {
    const file = writeLines(tempDir(), 'faq.csv', ['question,answer,category', 'How can I pay?,"By card,billing']);
    assert.equal(
      await invalidDataMessage(source({ type: 'faq_csv', path: file })),
      `${file}:2: invalid CSV (Quote Not Closed: the parsing is finished with an opening quote at line 2)`,
    );
  });

  it('fails on a file with a header and no rows', async () => {
    const file = writeLines(tempDir(), 'faq.csv', ['question,answer,category']);
    assert.equal(await invalidDataMessage(source({ type: 'faq_csv', path: file })), `${file}: no rows after the header`);
  });
});
