import assert from 'node:assert/strict';
import { incompleteReason } from '../../src/activities/data/records';
import { collect, conversation, invalidDataMessage, source, TINY_SUPPORT, useTempDir, writeLines } from './helpers';

function dialog(satisfaction: unknown, messages: [string, string][], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    conversation_id: 'c1',
    started_at: '2024-05-01T10:00:00Z',
    channel: 'chat',
    satisfaction,
    category: 'orders',
    messages: messages.map(([role, content]) => ({ role, content })),
    ...extra,
  });
}

describe('chat_logs source', () => {
  const tempDir = useTempDir();

  it('makes one record per agent answer, with the earlier turns as context', async () => {
    const file = writeLines(tempDir(), 'chat_logs.jsonl', [
      dialog(5, [
        ['customer', 'Where is my parcel?'],
        ['agent', 'Which order number?'],
        ['customer', 'Order 1234.'],
        ['agent', 'It ships tomorrow.'],
        ['customer', 'Thanks!'],
      ]),
    ]);
    const { result, problems } = await collect(source({ type: 'chat_logs', path: file }), 'Be kind.');
    assert.equal(problems.total, 0);
    assert.deepEqual(result.records.map(conversation), [
      ['system: Be kind.', 'user: Where is my parcel?', 'assistant: Which order number?'],
      ['system: Be kind.', 'user: Where is my parcel?', 'assistant: Which order number?', 'user: Order 1234.', 'assistant: It ships tomorrow.'],
    ]);
    assert.deepEqual(
      result.records.map((r) => [r.source.line, r.category]),
      [
        [1, 'orders'],
        [1, 'orders'],
      ],
    );
  });

  it('keeps an agent greeting before the first question as context only', async () => {
    const file = writeLines(tempDir(), 'chat_logs.jsonl', [
      dialog(4, [
        ['agent', 'Hi, how can I help?'],
        ['customer', 'Can I change my address?'],
        ['agent', 'Yes, in your account settings.'],
      ]),
    ]);
    const { result } = await collect(source({ type: 'chat_logs', path: file }));
    assert.deepEqual(result.records.map(conversation), [
      ['assistant: Hi, how can I help?', 'user: Can I change my address?', 'assistant: Yes, in your account settings.'],
    ]);
  });

  it('drops dialogs rated below min_satisfaction and counts them', async () => {
    const file = writeLines(tempDir(), 'chat_logs.jsonl', [
      dialog(5, [['customer', 'Q1?'], ['agent', 'A1.']]),
      dialog(2, [['customer', 'Q2?'], ['agent', 'A2.']]),
      dialog(3, [['customer', 'Q3?'], ['agent', 'A3.']]),
      dialog(4, [['customer', 'Q4?'], ['agent', 'A4.']]),
    ]);
    const { result } = await collect(source({ type: 'chat_logs', path: file, min_satisfaction: 4 }));
    assert.deepEqual(
      result.records.map((r) => r.source.line),
      [1, 4],
    );
    assert.deepEqual(result.dropped, [
      { reason: 'low_satisfaction', line: 2, detail: 'satisfaction 2 < 4' },
      { reason: 'low_satisfaction', line: 3, detail: 'satisfaction 3 < 4' },
    ]);
  });

  it('counts the tiny support dialogs dropped at each min_satisfaction', async () => {
    const path = `${TINY_SUPPORT}/chat_logs.jsonl`;
    const atThree = await collect(source({ type: 'chat_logs', path, min_satisfaction: 3 }));
    assert.deepEqual(
      atThree.result.dropped.map((d) => d.line),
      [3, 6, 9],
    );
    assert.equal(atThree.result.records.length, 10);
    const atDefault = await collect(source({ type: 'chat_logs', path }));
    assert.equal(atDefault.result.dropped.length, 5);
    assert.equal(atDefault.problems.total, 0);
  });

  it('maps the configured user and assistant roles', async () => {
    const file = writeLines(tempDir(), 'chat_logs.jsonl', [dialog(5, [['client', 'Q?'], ['rep', 'A.']])]);
    const { result, problems } = await collect(source({ type: 'chat_logs', path: file, user_roles: ['client'], assistant_roles: ['rep'] }));
    assert.equal(problems.total, 0);
    assert.deepEqual(result.records.map(conversation), [['user: Q?', 'assistant: A.']]);
  });

  it('keeps a dialog that was never answered as one incomplete record', async () => {
    const file = writeLines(tempDir(), 'chat_logs.jsonl', [dialog(5, [['customer', 'Hello?']])]);
    const { result } = await collect(source({ type: 'chat_logs', path: file }));
    assert.equal(result.records.length, 1);
    assert.equal(incompleteReason(result.records[0]), 'no answer');
  });

  it('fails on an unknown role, a missing satisfaction or a category that is not a string', async () => {
    const file = writeLines(tempDir(), 'chat_logs.jsonl', [
      dialog(5, [['customer', 'Q?'], ['bot', 'A.']]),
      dialog(undefined, [['customer', 'Q?'], ['agent', 'A.']]),
      dialog(9, [['customer', 'Q?'], ['agent', 'A.']]),
      dialog(5, [['customer', 'Q?'], ['agent', 'A.']], { category: 3 }),
      dialog(1, [['customer', 'Q?'], ['agent', 42 as unknown as string]]),
    ]);
    assert.equal(
      await invalidDataMessage(source({ type: 'chat_logs', path: file })),
      [
        `${file}:1: messages[1]: unknown role "bot" (expected one of customer, user, agent, assistant)`,
        `${file}:2: expected "satisfaction" to be a number from 1 to 5, got nothing`,
        `${file}:3: expected "satisfaction" to be a number from 1 to 5, got 9`,
        `${file}:4: expected "category" to be a string, got a number`,
        `${file}:5: messages[1].content: expected a string, got a number`,
      ].join('\n'),
    );
  });
});
