import assert from 'node:assert/strict';
import { makeRecord } from '../../src/activities/data/records';
import { Bm25Retriever, ragMessages, type Passage } from '../../src/evaluation/retrieval';

const english: Passage[] = [
  { id: 'returns', question: 'How do I return an item?', answer: 'You can return any item within 30 days of delivery for a full refund.' },
  { id: 'shipping', question: 'How much does shipping cost?', answer: 'Shipping is free on orders over $75; otherwise it is a flat $6.95.' },
  { id: 'gift', question: 'Can I add a gift message?', answer: 'Check "This is a gift" at checkout to add a free message of up to 250 characters.' },
  { id: 'password', question: 'I forgot my password. What do I do?', answer: 'Use "Forgot password" on the sign-in page and follow the link we email you.' },
  { id: 'address', question: 'Can I change the delivery address after I order?', answer: 'Yes, until the order ships: open Order History and edit the address.' },
  { id: 'paypal', question: 'Can I pay with PayPal?', answer: 'Yes, PayPal is one of the payment options at checkout.' },
  { id: 'tracking', question: 'How do I track my order?', answer: 'Open Order History and select Track next to the order.' },
];

const japanese: Passage[] = [
  { id: 'henpin', question: '商品の返品はできますか？', answer: '商品到着後30日以内であれば返品できます。' },
  { id: 'souryou', question: '送料はいくらですか？', answer: '7500円以上のご注文は送料無料です。' },
  { id: 'gift', question: 'ギフト包装はできますか？', answer: 'ご注文時にギフト包装を選択できます。' },
  { id: 'password', question: 'パスワードを忘れました。', answer: 'ログイン画面の「パスワードを忘れた方」から再設定してください。' },
];

describe('BM25 retrieval', () => {
  it('ranks the passage that answers an English question first', () => {
    const retriever = Bm25Retriever.fromPassages(english);
    assert.equal(retriever.size, 7);
    assert.equal(retriever.topK('Can I return a lamp I bought last week?', 1)[0].id, 'returns');
    assert.equal(retriever.topK('what does shipping cost to Ohio', 2)[0].id, 'shipping');
    assert.equal(retriever.topK('reset my PASSWORD', 3)[0].id, 'password');
  });

  it('ranks the passage that answers a Japanese question first', () => {
    const retriever = Bm25Retriever.fromPassages(japanese);
    assert.equal(retriever.topK('返品の期限を教えてください', 1)[0].id, 'henpin');
    assert.equal(retriever.topK('送料は無料になりますか', 1)[0].id, 'souryou');
    assert.equal(retriever.topK('パスワードの再設定方法', 1)[0].id, 'password');
  });

  it('scores plain BM25, as computed by hand', () => {
    const retriever = Bm25Retriever.fromPassages([
      { id: 'a', question: 'apple', answer: 'red fruit' },
      { id: 'b', question: 'banana', answer: 'yellow fruit' },
    ]);
    // "apple" is in 1 of 2 questions: idf = ln(1 + 1.5/1.5) = ln 2; tf = 1 at average length: tf part = 1; question boost 2
    const [apple] = retriever.topK('apple', 5);
    assert.ok(Math.abs(apple.score - 2 * Math.log(2)) < 1e-12, `score ${apple.score}`);
    // "fruit" is in both answers: idf = ln(1 + 0.5/2.5) = ln 1.2
    const both = retriever.topK('fruit apple', 5);
    assert.deepEqual(both.map((p) => p.id), ['a', 'b']);
    assert.ok(Math.abs(both[0].score - (2 * Math.log(2) + Math.log(1.2))) < 1e-12, `score ${both[0].score}`);
    assert.ok(Math.abs(both[1].score - Math.log(1.2)) < 1e-12, `score ${both[1].score}`);
  });

  it('returns at most k passages, only those sharing a term with the query', () => {
    const retriever = Bm25Retriever.fromPassages(english);
    assert.equal(retriever.topK('item refund gift shipping password', 2).length, 2);
    assert.deepEqual(retriever.topK('zebra', 3), []);
    assert.throws(() => retriever.topK('item', 0), /top-k must be a positive integer, got 0/);
  });

  it('indexes the training split from records, keyed by the question the answer replies to', async () => {
    const source = { uri: 'train.jsonl', line: 1 };
    const records = [
      makeRecord({ systemPrompt: 'Be brief.', category: null, source, turns: [{ role: 'user', content: 'Do you ship to Canada?' }, { role: 'assistant', content: 'Yes, in 5 to 8 days.' }] }),
      makeRecord({
        category: null,
        source,
        turns: [
          { role: 'user', content: 'Hi, my sofa is late.' },
          { role: 'assistant', content: 'Sorry to hear that. What is the order number?' },
          { role: 'user', content: 'Order 1234. Can I cancel it?' },
          { role: 'assistant', content: 'Yes, I have cancelled order 1234 and refunded you.' },
        ],
      }),
      makeRecord({ category: null, source, turns: [{ role: 'user', content: 'unanswered question' }] }),
    ];
    const retriever = await Bm25Retriever.fromRecords(records);
    assert.equal(retriever.size, 2);
    const [top] = retriever.topK('how do I cancel an order', 1);
    assert.deepEqual({ id: top.id, question: top.question }, { id: records[1].id, question: 'Order 1234. Can I cancel it?' });
  });
});

describe('RAG prompt', () => {
  it('puts the system prompt and the numbered passages before the question', () => {
    const messages = ragMessages({ systemPrompt: 'You are a support agent.', passages: english.slice(0, 2), question: 'Can I return a lamp?' });
    assert.deepEqual(messages, [
      {
        role: 'system',
        content:
          'You are a support agent.\n\nAnswers to similar questions from earlier conversations. Use them where they apply:\n\n' +
          '[1] Question: How do I return an item?\nAnswer: You can return any item within 30 days of delivery for a full refund.\n\n' +
          '[2] Question: How much does shipping cost?\nAnswer: Shipping is free on orders over $75; otherwise it is a flat $6.95.',
      },
      { role: 'user', content: 'Can I return a lamp?' },
    ]);
  });

  it('is the plain prompt when nothing was retrieved, and takes a heading in the users’ language', () => {
    assert.deepEqual(ragMessages({ systemPrompt: 'Be brief.', passages: [], question: 'Hi' }), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
    assert.deepEqual(ragMessages({ passages: [], question: 'Hi' }), [{ role: 'user', content: 'Hi' }]);
    const [system] = ragMessages({ passages: japanese.slice(0, 1), question: '返品できますか', heading: '参考になる過去の回答:', labels: { question: '質問', answer: '回答' } });
    assert.equal(system.content, '参考になる過去の回答:\n\n[1] 質問: 商品の返品はできますか？\n回答: 商品到着後30日以内であれば返品できます。');
    assert.throws(() => ragMessages({ passages: [], question: ' ' }), /question is empty/);
  });
});
