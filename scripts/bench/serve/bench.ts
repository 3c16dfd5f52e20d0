import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { demoPrompts } from '../inference/prompts';
import { runLoad } from './load';
import { LLAMA_CPP, TEMPERED, errorSummary, resultLine, table, type Phase, type ServerKey } from './report';
import { ServerProcess } from './servers';

/**
 * `node dist/scripts/bench/serve/bench.js --exports <dir> --gguf <file> --comparator <dir> --work <dir>
 *   [--duration-s 20] [--variant onnx|onnx-quantized|onnx-genai] [--levels 1,4,16] [--warmup-s 3] [--prompts N]
 *   [--threads 2] [--max-batch 8] [--tempered-bin bin/tempered.js]` (scripts/bench-serve.sh passes the first four).
 *
 * Requests per second and latency of POST /v1/chat/completions on the demo model: `tempered serve` on an exported
 * folder against node-llama-cpp on the same model's GGUF file behind a minimal HTTP wrapper (llama-cpp-server.ts),
 * both child processes with the same thread count. At each concurrency level, closed-loop clients cycle through the
 * demo's test questions (max_tokens 32, temperature 0): first on one server, then on the other, the order alternating
 * from level to level. Prints a table and, last, `RESULT serve ...`.
 */

const MAX_TOKENS = 32;
const VARIANTS = ['onnx', 'onnx-quantized', 'onnx-genai'] as const;
const STARTUP_TIMEOUT_S = 180;
const MAX_WARMUP_S = 60;
const REQUEST_TIMEOUT_S = 120;
/** Between phases: the previous server's spinning worker threads go idle. */
const SETTLE_S = 2;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      exports: { type: 'string' },
      gguf: { type: 'string' },
      comparator: { type: 'string' },
      work: { type: 'string' },
      'duration-s': { type: 'string', default: '20' },
      'warmup-s': { type: 'string', default: '3' },
      variant: { type: 'string', default: 'onnx' },
      levels: { type: 'string', default: '1,4,16' },
      // All of the demo's test questions by default.
      prompts: { type: 'string' },
      threads: { type: 'string', default: '2' },
      // The most requests decoded together, the same on both sides: `tempered serve --max-batch` and the number of
      // node-llama-cpp's sequences. 8 is tempered serve's own default.
      'max-batch': { type: 'string', default: '8' },
      // The CLI to start `serve` with; bin/tempered.js by default.
      'tempered-bin': { type: 'string' },
    },
  });
  for (const name of ['exports', 'gguf', 'comparator', 'work'] as const) {
    if (!values[name]) throw new Error(`--${name} is required (scripts/bench-serve.sh passes it)`);
  }
  const durationS = positive('duration-s', values['duration-s']);
  const warmupS = nonNegative('warmup-s', values['warmup-s']);
  const threads = positive('threads', values.threads);
  const maxBatch = positive('max-batch', values['max-batch']);
  const variant = values.variant!;
  if (!(VARIANTS as readonly string[]).includes(variant)) throw new Error(`--variant takes one of ${VARIANTS.join(', ')}, got "${variant}"`);
  const levels = values.levels!.split(',').map((l) => positive('levels', l.trim()));
  if (!levels.includes(4)) throw new Error('--levels must include 4: the RESULT line reports 4 clients');

  const modelDir = path.join(values.exports!, variant);
  // The chat template and tokenizer for the wrapper's prompts: the fp32 export's (all three exports share them).
  const templateDir = path.join(values.exports!, 'onnx');
  const work = values.work!;
  fs.mkdirSync(work, { recursive: true });

  const count = values.prompts === undefined ? (await demoPrompts(1)).testRecords : positive('prompts', values.prompts);
  const { conversations, testRecords } = await demoPrompts(count);
  const body = (index: number, client: number): string =>
    JSON.stringify({
      model: 'any',
      messages: conversations[index % conversations.length],
      max_tokens: MAX_TOKENS,
      temperature: 0,
      user: `bench-client-${client}`,
      stream: false,
    });

  const temperedBin = values['tempered-bin'] ?? path.resolve(__dirname, '..', '..', '..', '..', 'bin', 'tempered.js');
  const temperedCommand = [
    process.execPath,
    temperedBin,
    'serve',
    '--model-dir',
    modelDir,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--threads',
    String(threads),
    '--max-batch',
    String(maxBatch),
  ];
  const llamaCommand = [
    process.execPath,
    path.join(__dirname, 'llama-cpp-server.js'),
    '--comparator',
    values.comparator!,
    '--gguf',
    values.gguf!,
    '--model-dir',
    templateDir,
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--threads',
    String(threads),
    '--sequences',
    String(maxBatch),
  ];

  const servers = new Map<ServerKey, ServerProcess>();
  try {
    log(`starting tempered serve on ${modelDir} (log: ${path.join(work, 'tempered-serve.log')})`);
    // Without API keys: the load generator sends none.
    const env = { ...process.env, TEMPERED_SERVE_API_KEYS: '' };
    servers.set(TEMPERED, await ServerProcess.start('tempered serve', temperedCommand, path.join(work, 'tempered-serve.log'), STARTUP_TIMEOUT_S, env));
    log(`starting node-llama-cpp's wrapper on ${values.gguf} (log: ${path.join(work, 'llama-cpp-server.log')})`);
    servers.set(LLAMA_CPP, await ServerProcess.start('the node-llama-cpp wrapper', llamaCommand, path.join(work, 'llama-cpp-server.log'), STARTUP_TIMEOUT_S));
  } catch (err) {
    for (const s of servers.values()) await s.stop();
    throw err;
  }

  const phases: Phase[] = [];
  const died: string[] = [];
  try {
    // One request each before any level: first-call allocations out of the way, and an answer to look at.
    for (const [key, server] of servers) await sample(key, server, body(0, 0));

    for (const [k, clients] of levels.entries()) {
      // Each level starts with the other server than the previous one, so slow phases of the machine do not always hit the same one.
      const order: ServerKey[] = k % 2 === 0 ? [TEMPERED, LLAMA_CPP] : [LLAMA_CPP, TEMPERED];
      for (const key of order) {
        const server = servers.get(key)!;
        if (server.exited) continue;
        await sleep(SETTLE_S * 1000);
        log(`${clients} clients on ${key}: warm-up (>= ${warmupS} s), then ${durationS} s measured`);
        const result = await runLoad({ baseUrl: server.baseUrl, clients, durationS, warmupS, maxWarmupS: MAX_WARMUP_S, body, requestTimeoutS: REQUEST_TIMEOUT_S });
        phases.push({ server: key, result });
        log(`  ${result.rps.toFixed(2)} rps, p50 ${result.p50Ms.toFixed(0)} ms, p95 ${result.p95Ms.toFixed(0)} ms, ${result.errors} errors`);
        if (server.exited) {
          died.push(`${server.name} exited during the run (${server.exited}); log: ${server.logFile}`);
          log(died.at(-1)!);
        }
      }
    }
  } finally {
    for (const s of servers.values()) await s.stop();
  }

  const questions = conversations.length === testRecords ? `all ${testRecords}` : `${conversations.length} of ${testRecords}`;
  console.log();
  console.log(
    [
      `serving benchmark: POST /v1/chat/completions, SmolLM2-135M-Instruct, the customer-support demo's test questions (${questions}) in turn, chat template applied`,
      `max_tokens ${MAX_TOKENS}, temperature 0, closed loop (each client sends its next request when its answer arrives), ${durationS} s per level after a warm-up`,
      `tempered: tempered serve --model-dir ${variant}/ --threads ${threads} --max-batch ${maxBatch}`,
      `llama.cpp: node-llama-cpp 3.21.1 on ${path.basename(values.gguf!)}, ${threads} threads, ${maxBatch} sequences (decoded together; more requests wait), behind node:http`,
      `rps: well-formed 200 answers per second; latency from request to complete answer; errors: failed requests, warm-up included`,
      '',
      table(phases),
    ].join('\n'),
  );
  const errors = errorSummary(phases);
  if (errors) console.log(`\n${errors}`);
  for (const line of died) console.log(line);
  console.log(resultLine(phases, levels, { variant, duration_s: String(durationS), max_batch: String(maxBatch) }));
  if (died.length) process.exitCode = 1;
}

/** One request to a server just started; its answer is printed, a failure too (it also shows in the table). */
async function sample(key: ServerKey, server: ServerProcess, body: string): Promise<void> {
  const started = performance.now();
  try {
    const res = await fetch(`${server.baseUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000) });
    const text = await res.text();
    const ms = (performance.now() - started).toFixed(0);
    if (!res.ok) {
      log(`${key}: first request answered HTTP ${res.status} in ${ms} ms: ${text.slice(0, 200)}`);
      return;
    }
    const answer = JSON.parse(text) as { choices?: { message?: { content?: string }; finish_reason?: string }[]; usage?: { completion_tokens?: number } };
    const choice = answer.choices?.[0];
    log(`${key}: first answer in ${ms} ms (${answer.usage?.completion_tokens ?? '?'} tokens, ${choice?.finish_reason ?? '?'}): ${JSON.stringify((choice?.message?.content ?? '').slice(0, 100))}`);
  } catch (err) {
    log(`${key}: first request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, got "${value}"`);
  return n;
}

function nonNegative(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} takes a number >= 0, got "${value}"`);
  return n;
}

function log(message: string): void {
  console.log(`bench:serve: ${message}`);
}

main().catch((err: unknown) => {
  console.error(`bench:serve failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
