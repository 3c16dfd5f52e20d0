import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChatTokenizer } from '../../src/inference/chat-tokenizer';
import { ModelFolderError, readModelFiles } from '../../src/inference/model-files';
import { OnnxModelRuntime } from '../../src/inference/onnx-runtime';
import type { ChatMessage, GenerationResult } from '../../src/inference/runtime';
import { exportTinyModel, torchAnswerLoss, torchGreedy, type TorchGreedy } from './tiny-export';

const MAX_NEW_TOKENS = 24;
const conversations: ChatMessage[][] = [
  [{ role: 'user', content: 'How do I reset password number 3?' }],
  [{ role: 'user', content: 'Where is my order?' }],
  [
    { role: 'system', content: 'You answer in one sentence.' },
    { role: 'user', content: 'Can I change the email on my account?' },
  ],
  [{ role: 'user', content: 'ありがとう, see you!' }],
];
/** A prompt far longer than the others: a batch sharing it pads theirs by more than a trim's worth. */
const longPrompt: ChatMessage[] = [{ role: 'user', content: `Please read all of this first. ${'My parcel was late again and nobody answered. '.repeat(8)}What now?` }];
const chat = (messages: ChatMessage[], extra: Partial<Parameters<OnnxModelRuntime['generate']>[0][number]> = {}) => ({
  messages,
  maxNewTokens: MAX_NEW_TOKENS,
  ...extra,
});

/**
 * The conversations as requests that arrive one after another while the first is being decoded (each once the
 * previous one has its first token), with their token budgets; their results, and the order they were answered in.
 */
async function staggered(runtime: OnnxModelRuntime, budgets: number[]): Promise<{ results: GenerationResult[]; order: number[] }> {
  const order: number[] = [];
  const pending: Promise<GenerationResult>[] = [];
  for (const [i, messages] of conversations.entries()) {
    let started!: () => void;
    const firstToken = new Promise<void>((resolve) => (started = resolve));
    pending.push(
      runtime.generate([chat(messages, { maxNewTokens: budgets[i]!, onText: () => started() })]).then(([result]) => {
        order.push(i);
        started();
        return result!;
      }),
    );
    await firstToken;
  }
  return { results: await Promise.all(pending), order };
}

describe('the ONNX model runtime on the tiny model', function () {
  this.timeout(600_000);
  let workDir: string;
  let exportDir: string;
  let runtime: OnnxModelRuntime;
  let reference: TorchGreedy[];
  let greedy: GenerationResult[];

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-inference-'));
    exportDir = await exportTinyModel(workDir, { genai: true });
    reference = torchGreedy(path.join(exportDir, 'merged'), conversations, MAX_NEW_TOKENS, workDir);
    runtime = await OnnxModelRuntime.load(path.join(exportDir, 'onnx'), { threads: 2 });
    greedy = [];
    for (const messages of conversations) greedy.push((await runtime.generate([chat(messages)]))[0]!);
  });
  after(async () => {
    await runtime?.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  describe('greedy generation', () => {
    it('renders the chat template into the same prompt tokens as transformers', () => {
      const tokenizer = new ChatTokenizer(readModelFiles(path.join(exportDir, 'onnx')));
      conversations.forEach((messages, i) => assert.deepEqual(tokenizer.encodeRequest(chat(messages)), reference[i]!.prompt_ids, `conversation ${i}`));
      greedy.forEach((result, i) => assert.equal(result.promptTokens, reference[i]!.prompt_ids.length, `conversation ${i}`));
    });

    it('generates the same tokens as PyTorch, token for token', () => {
      console.log(`      ${reference.map((r, i) => `${r.generated_ids.length} tokens (${greedy[i]!.finishReason})`).join(', ')}`);
      greedy.forEach((result, i) => assert.deepEqual(result.tokenIds, reference[i]!.generated_ids, `conversation ${i}`));
    });

    it('gives the same tokens when the requests are decoded together in one padded batch', async () => {
      const batched = await runtime.generate(conversations.map((messages) => chat(messages)));
      batched.forEach((result, i) => assert.deepEqual(result.tokenIds, reference[i]!.generated_ids, `conversation ${i}`));
    });

    it('drops requests that finish early from the batch without disturbing the others', async () => {
      const budgets = [5, MAX_NEW_TOKENS, 12, 1];
      const batched = await runtime.generate(conversations.map((messages, i) => chat(messages, { maxNewTokens: budgets[i] })));
      batched.forEach((result, i) => assert.deepEqual(result.tokenIds, reference[i]!.generated_ids.slice(0, budgets[i]), `conversation ${i}`));
    });

    it('lets requests join a batch being decoded, each with the tokens it gets alone, answered as its own row ends', async () => {
      const { results, order } = await staggered(runtime, [MAX_NEW_TOKENS, 3, MAX_NEW_TOKENS, 6]);
      results.forEach((result, i) => assert.deepEqual(result.tokenIds, reference[i]!.generated_ids.slice(0, [MAX_NEW_TOKENS, 3, MAX_NEW_TOKENS, 6][i]), `conversation ${i}`));
      assert.ok(order.indexOf(1) < order.indexOf(0), `the short request that joined later is answered first: ${order.join(', ')}`);
    });

    it('lets a request whose caller went away leave the batch at the next step, with what it has, the others unchanged', async () => {
      const gone = new AbortController();
      let texts = 0;
      const [left, stayed] = await runtime.generate([
        chat(conversations[0]!, { signal: gone.signal, onText: () => ++texts === 2 && gone.abort() }),
        chat(conversations[1]!),
      ]);
      assert.equal(left!.finishReason, 'cancelled');
      assert.deepEqual(left!.tokenIds, reference[0]!.generated_ids.slice(0, 2), 'two tokens, then no more steps for it');
      assert.deepEqual(stayed!.tokenIds, reference[1]!.generated_ids);
      assert.ok(reference[0]!.generated_ids.length > 2, 'the request had more to say');
    });

    it('drops the padding no remaining row needs once a long prompt has left, without changing the others\' tokens', async () => {
      const [, short] = await runtime.generate([chat(longPrompt, { maxNewTokens: 2 }), chat(conversations[1]!)]);
      assert.deepEqual(short!.tokenIds, reference[1]!.generated_ids);
    });

    it('batches requests from concurrent callers and reports latency and speed for each', async () => {
      const results = await Promise.all(conversations.map((messages) => runtime.generate([chat(messages)])));
      results.forEach(([result], i) => {
        assert.deepEqual(result!.tokenIds, reference[i]!.generated_ids, `conversation ${i}`);
        assert.ok(result!.latencyS > 0 && result!.latencyS >= result!.firstTokenS, JSON.stringify(result));
        assert.ok(Number.isFinite(result!.tokensPerSecond) && result!.tokensPerSecond > 0, JSON.stringify(result));
      });
    });
  });

  describe('limits', () => {
    it('ends at max new tokens with finish reason length', async () => {
      const [result] = await runtime.generate([chat(conversations[0]!, { maxNewTokens: 5 })]);
      assert.ok(reference[0]!.generated_ids.length > 5, 'the unbounded answer is longer than 5 tokens');
      assert.deepEqual(result!.tokenIds, reference[0]!.generated_ids.slice(0, 5));
      assert.equal(result!.finishReason, 'length');
    });

    it('ends at a stop sequence and leaves it out of the text', async () => {
      const full = greedy[1]!.text;
      assert.ok(full.length >= 8, `the greedy answer is long enough to cut: ${JSON.stringify(full)}`);
      const stop = full.slice(4, 7);
      const [result] = await runtime.generate([chat(conversations[1]!, { stop: ['never appears', stop] })]);
      assert.equal(result!.finishReason, 'stop');
      assert.equal(result!.text, full.slice(0, full.indexOf(stop)));
      assert.ok(result!.tokenIds.length < greedy[1]!.tokenIds.length);
    });

    it('keeps the end of a prompt longer than maxPromptTokens', async () => {
      const [full] = await runtime.generate([chat(conversations[2]!, { maxNewTokens: 1 })]);
      const [cut] = await runtime.generate([chat(conversations[2]!, { maxNewTokens: 1, maxPromptTokens: 6 })]);
      assert.ok(full!.promptTokens > 6);
      assert.equal(cut!.promptTokens, 6);
    });

    it('refuses a request without a token budget, naming it', async () => {
      await assert.rejects(runtime.generate([chat(conversations[0]!), chat(conversations[1]!, { maxNewTokens: 0 })]), /requests\[1\]\.maxNewTokens/);
    });
  });

  describe('answer loss', () => {
    const answered: ChatMessage[][] = [
      [...conversations[0]!, { role: 'assistant', content: 'Open settings, choose Security and follow the reset link.' }],
      [...conversations[2]!, { role: 'assistant', content: 'Yes: Account, then Email, then Save.' }],
      [...conversations[3]!, { role: 'assistant', content: 'どういたしまして！' }],
    ];

    it('equals the trainer\'s loss on the same conversations, tokens and cut included', async () => {
      // A cut that leaves the longest prompt three answer tokens, so answers lose their end.
      const tokenizer = new ChatTokenizer(readModelFiles(path.join(exportDir, 'onnx')));
      const cut = Math.max(...answered.map((m) => tokenizer.encodeConversation(m).promptLength)) + 3;
      for (const maxLength of [512, cut]) {
        const expected = torchAnswerLoss(path.join(exportDir, 'merged'), answered, maxLength, workDir);
        const actual = await runtime.answerLoss(answered, maxLength);
        assert.equal(actual.tokens, expected.tokens, `answer tokens at max length ${maxLength}`);
        assert.ok(Math.abs(actual.loss - expected.loss) < 1e-4, `max length ${maxLength}: ${actual.loss} vs ${expected.loss}`);
      }
    });

    it('leaves out conversations whose answer the cut removes entirely', async () => {
      const result = await runtime.answerLoss(answered, 5);
      assert.equal(result.skipped, answered.length);
      assert.equal(result.tokens, 0);
      assert.ok(Number.isNaN(result.loss));
    });
  });

  describe('sampling', () => {
    const sampled = (seed: number) => chat(conversations[0]!, { temperature: 1, topP: 0.95, seed });

    it('gives the same tokens for the same seed, alone or in a batch', async () => {
      const [first] = await runtime.generate([sampled(11)]);
      const [, again] = await runtime.generate([chat(conversations[2]!), sampled(11)]);
      assert.deepEqual(again!.tokenIds, first!.tokenIds);
    });

    it('varies across seeds', async () => {
      const results = await runtime.generate([1, 2, 3, 4, 5].map(sampled));
      const distinct = new Set(results.map((r) => r.tokenIds.join(',')));
      assert.ok(distinct.size >= 3, `${distinct.size} distinct answers from 5 seeds`);
    });
  });

  describe('the quantized variant', () => {
    it('runs, and the share of prompts whose greedy answer is unchanged from fp32 is measured', async () => {
      const quantized = await OnnxModelRuntime.load(path.join(exportDir, 'onnx-quantized'), { threads: 2 });
      try {
        const results = await quantized.generate(conversations.map((messages) => chat(messages)));
        const unchanged = results.filter((r, i) => r.tokenIds.join(',') === greedy[i]!.tokenIds.join(',')).length;
        const share = unchanged / results.length;
        console.log(`      quantized vs fp32: ${unchanged}/${results.length} greedy answers unchanged (${(share * 100).toFixed(0)}%)`);
        for (const r of results) assert.ok(r.tokenIds.length > 0 && ['eos', 'stop', 'length'].includes(r.finishReason));
      } finally {
        await quantized.close();
      }
    });
  });

  describe('the genai builder variant (onnx-genai/: GroupQueryAttention, int4 MatMulNBits, no position_ids)', () => {
    let genai: OnnxModelRuntime;
    let single: GenerationResult[];

    before(async () => {
      genai = await OnnxModelRuntime.load(path.join(exportDir, 'onnx-genai'), { threads: 2 });
      single = [];
      for (const messages of conversations) single.push((await genai.generate([chat(messages)]))[0]!);
    });
    after(async () => {
      await genai?.close();
    });

    it('holds the graph, its weights and the runtime files, and nothing else the runtime would not read', () => {
      const files = fs.readdirSync(path.join(exportDir, 'onnx-genai')).sort();
      for (const file of ['model.onnx', 'model.onnx.data', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'config.json']) {
        assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
      }
      assert.ok(!files.includes('chat_template.jinja'), 'the chat template lives in tokenizer_config.json only');
    });

    it('renders the same prompts and generates answers; the share equal to fp32 is measured', () => {
      const { vocab_size: vocabSize } = JSON.parse(fs.readFileSync(path.join(exportDir, 'onnx-genai', 'config.json'), 'utf8')) as { vocab_size: number };
      const unchanged = single.filter((r, i) => r.tokenIds.join(',') === greedy[i]!.tokenIds.join(',')).length;
      console.log(`      genai int4 vs fp32: ${unchanged}/${single.length} greedy answers unchanged (${((unchanged / single.length) * 100).toFixed(0)}%)`);
      single.forEach((r, i) => {
        assert.equal(r.promptTokens, reference[i]!.prompt_ids.length, `conversation ${i}`);
        assert.ok(r.tokenIds.length > 0 && r.tokenIds.length <= MAX_NEW_TOKENS && ['eos', 'length'].includes(r.finishReason), JSON.stringify(r));
        assert.ok(r.tokenIds.every((id) => Number.isInteger(id) && id >= 0 && id < vocabSize), `token ids within the vocabulary: ${r.tokenIds.join(',')}`);
      });
    });

    it('gives each request the same tokens in a padded batch, early finishers dropped, as alone (right padding)', async () => {
      const budgets = [5, MAX_NEW_TOKENS, 12, 1];
      const batched = await genai.generate(conversations.map((messages, i) => chat(messages, { maxNewTokens: budgets[i] })));
      batched.forEach((result, i) => assert.deepEqual(result.tokenIds, single[i]!.tokenIds.slice(0, budgets[i]), `conversation ${i}`));
    });

    it('lets requests join a batch being decoded with the tokens they get alone (right padding)', async () => {
      const budgets = [MAX_NEW_TOKENS, 3, MAX_NEW_TOKENS, 6];
      const { results } = await staggered(genai, budgets);
      results.forEach((result, i) => assert.deepEqual(result.tokenIds, single[i]!.tokenIds.slice(0, budgets[i]), `conversation ${i}`));
    });

    it('drops the padding no remaining row needs once a long prompt has left (right padding)', async () => {
      const [, short] = await genai.generate([chat(longPrompt, { maxNewTokens: 2 }), chat(conversations[1]!)]);
      assert.deepEqual(short!.tokenIds, single[1]!.tokenIds);
    });

    it('computes an answer loss close to the fp32 graph\'s', async () => {
      const answered: ChatMessage[][] = [[...conversations[0]!, { role: 'assistant', content: 'Open settings, choose Security and follow the reset link.' }]];
      const [int4, fp32] = [await genai.answerLoss(answered, 512), await runtime.answerLoss(answered, 512)];
      assert.equal(int4.tokens, fp32.tokens);
      assert.ok(Math.abs(int4.loss - fp32.loss) < 0.25 * fp32.loss, `int4 ${int4.loss} vs fp32 ${fp32.loss}`);
    });
  });

  describe('model folders', () => {
    it('names the folder and the file when tokenizer.json is missing', async () => {
      const incomplete = path.join(workDir, 'no-tokenizer');
      fs.mkdirSync(incomplete);
      for (const file of fs.readdirSync(path.join(exportDir, 'onnx'))) {
        if (file !== 'tokenizer.json') fs.symlinkSync(path.join(exportDir, 'onnx', file), path.join(incomplete, file));
      }
      await assert.rejects(OnnxModelRuntime.load(incomplete), (err: Error) => {
        assert.ok(err instanceof ModelFolderError);
        assert.equal(err.message.startsWith(path.join(incomplete, 'tokenizer.json')), true, err.message);
        assert.match(err.message, /not found; the model folder needs tokenizer\.json/);
        return true;
      });
    });

    it('names the folder when there is no model', async () => {
      await assert.rejects(OnnxModelRuntime.load(path.join(workDir, 'nowhere')), /nowhere: model folder not found/);
    });
  });
});
