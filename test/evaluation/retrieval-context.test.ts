import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { armOf } from '../../src/activities/evaluation/evaluate-model';
import { writeWithRetrievedContext } from '../../src/activities/evaluation/retrieval-context';
import type { CanonicalRecord } from '../../src/activities/data/records';

const record = (id: string, question: string, answer: string, system?: string): CanonicalRecord => ({
  id,
  category: null,
  source: { uri: 'faq.csv', line: 2 },
  messages: [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content: question }, { role: 'assistant', content: answer }],
});

describe('the retrieval arms\' test file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retrieval-context-'));
  const write = (name: string, records: CanonicalRecord[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return file;
  };
  const train = write('train.jsonl', [
    record('t1', 'How long do refunds take?', 'Refunds reach your card within 5 business days.'),
    record('t2', 'Do you ship to Canada?', 'Yes, we ship to Canada in 7 to 10 days.'),
    record('t3', '返品はできますか？', '30日以内であれば返品できます。'),
    record('t4', 'Can I change my password?', 'Yes, under Account, then Security.'),
  ]);

  it('puts the best training answers into the system message and leaves the turns as they were', async () => {
    const test = write('test.jsonl', [record('q1', 'How long does a refund take?', 'Within 5 business days.', 'You are a support assistant.'), record('q2', '返品の期限は？', '30日です。')]);
    const out = path.join(dir, 'out.jsonl');
    assert.deepEqual(await writeWithRetrievedContext(train, test, out, 2), { records: 2, withPassages: 2 });
    const [english, japanese] = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as CanonicalRecord);
    const system = english!.messages[0]!;
    assert.equal(system.role, 'system');
    assert.ok(system.content.startsWith('You are a support assistant.'), 'the spec\'s system prompt first');
    assert.match(system.content, /\[1\] Question: How long do refunds take\?\nAnswer: Refunds reach your card within 5 business days\./);
    assert.deepEqual(english!.messages.slice(1), [
      { role: 'user', content: 'How long does a refund take?' },
      { role: 'assistant', content: 'Within 5 business days.' },
    ]);
    assert.match(japanese!.messages[0]!.content, /\[1\] Question: 返品はできますか？/);
    assert.equal(japanese!.messages.at(-1)!.content, '30日です。', 'the reference answer is unchanged');
  });

  it('names the four arms of the guide', () => {
    assert.deepEqual([armOf('base', false), armOf('base', true), armOf('fine-tuned', false), armOf('fine-tuned', true)], ['base', 'rag', 'fine-tuned', 'hybrid']);
  });
});
