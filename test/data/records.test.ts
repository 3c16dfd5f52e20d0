import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { incompleteReason, makeRecord, normaliseText, recordId } from '../../src/activities/data/records';
import { qaRecord } from './helpers';

describe('canonical records', () => {
  it('prepends the spec system prompt and ends with the assistant answer', () => {
    const record = makeRecord({
      turns: [
        { role: 'user', content: 'Where is my order?' },
        { role: 'assistant', content: 'Check the tracking link.' },
      ],
      category: 'shipping',
      source: { uri: 'faq.csv', line: 2 },
      systemPrompt: 'Be brief.',
    });
    assert.deepEqual(record.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: 'Check the tracking link.' },
    ]);
    assert.deepEqual(record.source, { uri: 'faq.csv', line: 2 });
    assert.equal(record.category, 'shipping');
  });

  it('keeps a conversation’s own system message instead of adding a second one', () => {
    const record = makeRecord({
      turns: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Bonjour' },
        { role: 'assistant', content: 'Bonjour !' },
      ],
      category: null,
      source: { uri: 'chat.jsonl', line: 1 },
      systemPrompt: 'Be brief.',
    });
    assert.deepEqual(
      record.messages.map((m) => m.content),
      ['Answer in French.', 'Bonjour', 'Bonjour !'],
    );
  });

  it('derives the id from the first 16 hex digits of the sha256 of the normalised question and answer', () => {
    const record = qaRecord('Where is my order?', 'Check the tracking link.', 2);
    const expected = createHash('sha256').update('user: where is my order\nassistant: check the tracking link').digest('hex').slice(0, 16);
    assert.equal(record.id, expected);
    assert.match(record.id, /^[0-9a-f]{16}$/);
  });

  it('gives the same id to texts that differ only in case, punctuation and spacing, and ignores the system prompt', () => {
    const a = qaRecord('Where is my order?', 'Check the tracking link.', 2);
    const b = qaRecord('  where IS my   order ', 'Check the tracking link', 9);
    assert.equal(a.id, b.id);
    assert.equal(recordId([{ role: 'system', content: 'x' }, ...a.messages]), a.id);
    assert.notEqual(qaRecord('Where is my order?', 'Call us.', 3).id, a.id);
  });

  it('hashes exactly the normalised text for any script, including characters folded with their neighbours', () => {
    const texts = ['Ｒｅｆｕｎｄ　№５！', 'ご注文ありがとうございます。', 'ｶﾞｲﾄﾞ ﾊﾟｽ', 'Cafe\u0301 naïve ﬁle', 'ΟΔΟΣ', 'οδος ϹϹ', '㈱テスト ①②', 'emoji 😀 done', ' \t—…「」 '];
    for (const question of texts) {
      for (const answer of texts) {
        const expected = createHash('sha256').update(`user: ${normaliseText(question)}\nassistant: ${normaliseText(answer)}`).digest('hex').slice(0, 16);
        assert.equal(qaRecord(question, answer, 1).id, expected, `${question} / ${answer}`);
      }
    }
  });

  it('normalises text to lower case without punctuation and with single spaces', () => {
    assert.equal(normaliseText('  What’s the   RETURN policy?!\n'), 'what s the return policy');
  });

  it('names why a record is incomplete', () => {
    assert.equal(incompleteReason(qaRecord('Q?', 'A.', 1)), null);
    assert.equal(incompleteReason(qaRecord('Q?', '  ', 1)), 'empty answer');
    assert.equal(incompleteReason(qaRecord('', 'A.', 1)), 'empty question');
    const unanswered = makeRecord({ turns: [{ role: 'user', content: 'Hello?' }], category: null, source: { uri: 'c', line: 1 } });
    assert.equal(incompleteReason(unanswered), 'no answer');
    const greetingOnly = makeRecord({ turns: [{ role: 'assistant', content: 'Hi!' }], category: null, source: { uri: 'c', line: 1 } });
    assert.equal(incompleteReason(greetingOnly), 'no question');
  });
});
