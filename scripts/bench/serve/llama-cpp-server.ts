import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ChatTokenizer } from '../../../src/inference/chat-tokenizer';
import { readModelFiles } from '../../../src/inference/model-files';
import type { ChatMessage } from '../../../src/inference/runtime';
import { loadLlamaCpp } from '../node-llama-cpp';

/**
 * `node dist/scripts/bench/serve/llama-cpp-server.js --comparator <dir> --gguf <file> --model-dir <onnx dir>
 *   [--host 127.0.0.1] [--port 0] [--threads 2] [--sequences 4] [--context-size 1024]`
 *
 * bench:serve's comparator: node-llama-cpp on the model's GGUF file behind a minimal node:http server answering
 * `POST /v1/chat/completions` in the OpenAI shape `tempered serve` answers (non-streaming only). Prints
 * `listening on http://<host>:<port>` on stdout when ready; SIGTERM or SIGINT close it.
 *
 * Choices, so that it is neither unfairly slow nor doing less work than Tempered:
 * - Prompt: the request's messages rendered with the model's chat template (tokenizer_config.json of the exported
 *   folder) and tokenized by the code Tempered itself uses (bench:inference checks these ids equal transformers'),
 *   then given to LlamaCompletion as token ids: both servers process the very same prompt tokens. node-llama-cpp's
 *   own chat wrappers could render the template slightly differently (default system prompt, whitespace).
 * - Concurrency: one context with `--sequences` sequences (default 4, the number of slots llama.cpp's own
 *   llama-server opens by default; bench:serve passes its --max-batch, 8 by default like `tempered serve`, so both
 *   servers decode at most as many requests together). node-llama-cpp decodes the tokens of all busy sequences in one
 *   batch, so up to that many requests are generated together; further requests wait in a FIFO queue for a free
 *   sequence, as in llama-server. One sequence would serialise every request; a context per request would not batch.
 * - Each request starts from an empty sequence (history cleared): no reuse of another request's cached prefix,
 *   as in bench:inference.
 * - Greedy at temperature 0 (or absent); other temperatures are passed to node-llama-cpp as they are.
 */

type Slot = Awaited<ReturnType<typeof loadLlamaCpp>>['slots'][number];

/** The free sequences of the context, and the requests waiting for one, first come first served. */
class SlotPool {
  private readonly waiting: ((slot: Slot) => void)[] = [];

  constructor(private readonly free: Slot[]) {}

  acquire(): Promise<Slot> {
    const slot = this.free.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface ChatRequest {
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
}

const DEFAULT_MAX_TOKENS = 256;

function parseRequest(body: string): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'the body is not valid JSON');
  }
  if (!json || typeof json !== 'object') throw new HttpError(400, 'the body must be a JSON object');
  const { messages, max_tokens: maxTokens, temperature, stream } = json as Record<string, unknown>;
  if (stream === true) throw new HttpError(400, 'stream: true is not supported by this benchmark wrapper');
  if (
    !Array.isArray(messages) ||
    messages.length === 0 ||
    !messages.every((m) => m && typeof m === 'object' && typeof (m as ChatMessage).role === 'string' && typeof (m as ChatMessage).content === 'string')
  ) {
    throw new HttpError(400, 'messages must be a non-empty array of { role, content } strings');
  }
  if (maxTokens !== undefined && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw new HttpError(400, 'max_tokens must be a positive integer');
  }
  if (temperature !== undefined && (typeof temperature !== 'number' || temperature < 0)) throw new HttpError(400, 'temperature must be a number >= 0');
  return {
    messages: (messages as ChatMessage[]).map(({ role, content }) => ({ role, content })),
    maxTokens: (maxTokens as number | undefined) ?? DEFAULT_MAX_TOKENS,
    temperature: (temperature as number | undefined) ?? 0,
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      comparator: { type: 'string' },
      gguf: { type: 'string' },
      'model-dir': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      threads: { type: 'string', default: '2' },
      sequences: { type: 'string', default: '4' },
      'context-size': { type: 'string', default: '1024' },
    },
  });
  for (const name of ['comparator', 'gguf', 'model-dir'] as const) {
    if (!values[name]) throw new Error(`--${name} is required`);
  }
  const threads = integer('threads', values.threads, 1);
  const sequences = integer('sequences', values.sequences, 1);
  const contextSize = integer('context-size', values['context-size'], 64);
  const port = integer('port', values.port, 0);

  const files = readModelFiles(values['model-dir']!);
  const tokenizer = new ChatTokenizer(files);

  const { llama, context, slots } = await loadLlamaCpp({ packageDir: values.comparator!, ggufPath: values.gguf!, threads, contextSize, sequences });
  const pool = new SlotPool(slots);
  const modelName = path.basename(values.gguf!);
  let served = 0;

  async function complete(request: ChatRequest, signal: AbortSignal): Promise<unknown> {
    const promptIds = tokenizer.encodeRequest({ messages: request.messages, maxNewTokens: request.maxTokens });
    if (promptIds.length + request.maxTokens > context.contextSize) {
      throw new HttpError(400, `${promptIds.length} prompt tokens + max_tokens ${request.maxTokens} exceed the context of ${context.contextSize} tokens`);
    }
    const slot = await pool.acquire();
    try {
      if (signal.aborted) throw new HttpError(499, 'the client went away');
      await slot.sequence.clearHistory();
      let completionTokens = 0;
      const { response, metadata } = await slot.completion.generateCompletionWithMeta(promptIds, {
        maxTokens: request.maxTokens,
        temperature: request.temperature,
        signal,
        onToken: (tokens) => (completionTokens += tokens.length),
      });
      // The end token is generated like any other but not handed out; counted as Tempered counts it.
      if (metadata.stopReason === 'eogToken') completionTokens += 1;
      const finishReason = metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      return {
        id: `chatcmpl-llama-${++served}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: modelName,
        choices: [{ index: 0, message: { role: 'assistant', content: response }, finish_reason: finishReason }],
        usage: { prompt_tokens: promptIds.length, completion_tokens: completionTokens, total_tokens: promptIds.length + completionTokens },
      };
    } finally {
      pool.release(slot);
    }
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (url.pathname !== '/v1/chat/completions') throw new HttpError(404, `no route ${req.method} ${url.pathname}`);
        if (req.method !== 'POST') throw new HttpError(405, `${url.pathname} takes POST`);
        const request = parseRequest(await readBody(req));
        const controller = new AbortController();
        // A client that disconnects stops its generation and frees its sequence.
        res.on('close', () => {
          if (!res.writableFinished) controller.abort();
        });
        send(res, 200, await complete(request, controller.signal));
      } catch (err) {
        if (res.headersSent || res.destroyed) return;
        const status = err instanceof HttpError ? err.status : 500;
        const message = err instanceof Error ? err.message : String(err);
        if (status === 500) console.error(`llama-cpp-server: ${message}`);
        send(res, status, { error: { message, type: status === 500 ? 'server_error' : 'invalid_request_error' } });
      }
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, values.host, resolve);
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  console.log(`listening on http://${values.host}:${address.port}`);
  console.log(`  node-llama-cpp on ${values.gguf}: ${threads} threads, ${sequences} sequences of ${context.contextSize} tokens`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections();
    llama.dispose().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

function integer(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes an integer >= ${min}, got "${value}"`);
  return n;
}

main().catch((err: unknown) => {
  console.error(`llama-cpp-server failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
