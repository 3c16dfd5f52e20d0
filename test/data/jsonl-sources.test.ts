import assert from 'node:assert/strict';
import { incompleteReason } from '../../src/activities/data/records';
import { collect, conversation, invalidDataMessage, source, useTempDir, writeLines } from './helpers';

describe('chat_jsonl source', () => {
  const tempDir = useTempDir();

  it('makes one record per line in OpenAI chat format, skipping blank lines', async () => {
    const file = writeLines(tempDir(), 'chat.jsonl', [
      JSON.stringify({ messages: [{ role: 'user', content: 'Q1?' }, { role: 'assistant', content: 'A1.' }] }),
      '',
      JSON.stringify({ messages: [{ role: 'system', content: 'Own prompt.' }, { role: 'user', content: 'Q2?' }, { role: 'assistant', content: 'A2.' }], category: 'billing' }),
    ]);
    const { result, problems } = await collect(source({ type: 'chat_jsonl', path: file }), 'Spec prompt.');
    assert.equal(problems.total, 0);
    assert.deepEqual(result.records.map(conversation), [
      ['system: Spec prompt.', 'user: Q1?', 'assistant: A1.'],
      ['system: Own prompt.', 'user: Q2?', 'assistant: A2.'],
    ]);
    assert.deepEqual(
      result.records.map((r) => [r.source.line, r.category]),
      [
        [1, null],
        [3, 'billing'],
      ],
    );
  });

  it('counts a conversation that does not end with an assistant answer as incomplete', async () => {
    const file = writeLines(tempDir(), 'chat.jsonl', [JSON.stringify({ messages: [{ role: 'user', content: 'Q?' }] })]);
    const { result } = await collect(source({ type: 'chat_jsonl', path: file }));
    assert.equal(incompleteReason(result.records[0]), 'no answer');
  });

  it('fails on missing or malformed messages and unknown roles', async () => {
    const file = writeLines(tempDir(), 'chat.jsonl', [
      JSON.stringify({ prompt: 'Q?' }),
      JSON.stringify({ messages: 'Q?' }),
      JSON.stringify({ messages: [{ role: 'tool', content: '{}' }] }),
      JSON.stringify({ messages: [['user', 'Q?']] }),
    ]);
    assert.equal(
      await invalidDataMessage(source({ type: 'chat_jsonl', path: file })),
      [
        `${file}:1: missing "messages" (expected an array of {"role", "content"} objects)`,
        `${file}:2: expected "messages" to be an array, got a string`,
        `${file}:3: messages[0]: unknown role "tool" (expected one of system, user, assistant)`,
        `${file}:4: messages[0]: expected an object with "role" and "content", got an array`,
      ].join('\n'),
    );
  });
});

describe('instruction_jsonl source', () => {
  const tempDir = useTempDir();

  it('makes the instruction (and input, when given) the question and the output the answer', async () => {
    const file = writeLines(tempDir(), 'alpaca.jsonl', [
      JSON.stringify({ instruction: 'Summarise the policy.', input: 'Returns within 30 days.', output: 'Thirty-day returns.' }),
      JSON.stringify({ instruction: 'Say hello.', input: '', output: 'Hello!' }),
      JSON.stringify({ instruction: 'Say bye.', output: 'Bye!', category: 'smalltalk' }),
    ]);
    const { result, problems } = await collect(source({ type: 'instruction_jsonl', path: file }), 'Be brief.');
    assert.equal(problems.total, 0);
    assert.deepEqual(result.records.map(conversation), [
      ['system: Be brief.', 'user: Summarise the policy.\n\nReturns within 30 days.', 'assistant: Thirty-day returns.'],
      ['system: Be brief.', 'user: Say hello.', 'assistant: Hello!'],
      ['system: Be brief.', 'user: Say bye.', 'assistant: Bye!'],
    ]);
    assert.equal(result.records[2].category, 'smalltalk');
  });

  it('fails on a missing or non-string instruction or output', async () => {
    const file = writeLines(tempDir(), 'alpaca.jsonl', [
      JSON.stringify({ instruction: 'Q?' }),
      JSON.stringify({ instruction: 7, output: 'A.' }),
      JSON.stringify({ instruction: 'Q?', input: ['x'], output: 'A.' }),
    ]);
    assert.equal(
      await invalidDataMessage(source({ type: 'instruction_jsonl', path: file })),
      [
        `${file}:1: missing "output" (expected {"instruction", "input"?, "output"})`,
        `${file}:2: expected "instruction" to be a string, got a number`,
        `${file}:3: expected "input" to be a string, got an array`,
      ].join('\n'),
    );
  });
});
