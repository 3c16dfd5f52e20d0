import { createHash, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { FinishReason, GenerationRequest, GenerationResult } from '../inference/runtime';
import type { FeedbackLogWriter } from './feedback-log';
import { chatCompletionRequest, describeProblems, feedbackRequest, messageText } from './requests';
import { completionId, parseCompletionId, route } from './routing';
import type { LoadedModel, ServedModels } from './served-models';
import { inputFeatures } from '../monitoring/input-features';

export interface ServerOptions {
  models: ServedModels;
  /** Where request and feedback events go; null serves without a log (a model folder outside the registry). */
  log: FeedbackLogWriter | null;
  /** Bearer keys a request must present; empty: no key needed. */
  apiKeys: string[];
  /** Largest request body in bytes. */
  bodyLimit?: number;
}

/** An error answer in the shape OpenAI clients parse: never a stack trace. */
function sendError(reply: FastifyReply, status: number, message: string, type = status >= 500 ? 'server_error' : 'invalid_request_error') {
  return reply.code(status).send({ error: { message, type, code: status } });
}

const FINISH: Record<FinishReason, 'stop' | 'length'> = { eos: 'stop', stop: 'stop', length: 'length', cancelled: 'stop' };
const SERVER_FAILED = 'the model failed to answer this request';

/** What was wrong with the request, when the runtime refused it (a prompt too long for the model); null otherwise. */
function requestProblem(err: unknown): string | null {
  return err instanceof RangeError ? err.message.replace(/^requests\[0\][.:]\s*/, '') : null;
}

function keyDigest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

/**
 * The OpenAI-compatible server: `POST /v1/chat/completions` (streaming and not) on the version(s) the registry says
 * to serve, `POST /v1/feedback` on an answer, `GET /v1/models`, `GET /health`. Every request and feedback event goes
 * to the feedback log, in its version's and arm's partition.
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 64 * 1024, logger: false, return503OnClosing: true });
  const keys = options.apiKeys.map(keyDigest);
  // Answers finished while shutting down close their connection: a kept-alive socket would hold close() for its timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  const endStream = (reply: FastifyReply) => {
    reply.raw.end('data: [DONE]\n\n');
    if (closing) reply.raw.socket?.end();
  };

  app.setErrorHandler((err: { statusCode?: number; message: string }, _request, reply) => {
    const status = err.statusCode ?? 500;
    // Fastify's own client errors (a body too large, malformed JSON) say what was wrong; anything else is ours.
    if (status < 500) return sendError(reply, status, err.message);
    return sendError(reply, 500, 'the server failed to answer this request');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `no route ${request.method} ${request.url}`));

  if (keys.length > 0) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url === '/health') return;
      const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      const given = match ? keyDigest(match[1]!) : null;
      if (!given || !keys.some((key) => timingSafeEqual(key, given))) {
        return sendError(reply, 401, 'expected an API key: "Authorization: Bearer <key>"', 'authentication_error');
      }
    });
  }

  app.get('/health', async () => {
    const routing = options.models.routing();
    const versions = !routing ? [] : routing.kind === 'single' ? [routing.model.version] : [routing.control.version, routing.treatment.version];
    return { status: routing ? 'ok' : 'no production version', pipeline: options.models.pipeline, versions, feedbackLogError: options.log?.lastError ?? null };
  });

  app.get('/v1/models', async () => {
    const routing = options.models.routing();
    const models = !routing ? [] : routing.kind === 'single' ? [routing.model] : [routing.control, routing.treatment];
    return { object: 'list', data: models.map((m) => ({ id: m.name, object: 'model', owned_by: 'tempered' })) };
  });

  app.post('/v1/chat/completions', async (request, reply) => {
    const parsed = chatCompletionRequest.safeParse(request.body);
    if (!parsed.success) return sendError(reply, 400, describeProblems(parsed.error));
    const body = parsed.data;
    const routing = options.models.routing();
    if (!routing) return sendError(reply, 503, 'no model version is in production yet');
    const userId = body.user ?? (typeof request.headers['x-user-id'] === 'string' ? request.headers['x-user-id'] : undefined);
    const { model, arm } = route(routing, userId);
    const asked = body.max_completion_tokens ?? body.max_tokens;
    if (asked !== undefined && asked > model.policy.maxTokens) {
      return sendError(reply, 400, `max_tokens: expected at most ${model.policy.maxTokens}, got ${asked}`);
    }
    const id = completionId(model.version, arm);
    const generation: GenerationRequest = {
      messages: body.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: messageText(m.content) })),
      maxNewTokens: asked ?? model.policy.maxTokens,
      temperature: body.temperature ?? 0,
      ...(body.top_p !== undefined ? { topP: body.top_p } : {}),
      ...(body.seed !== undefined ? { seed: body.seed } : {}),
      ...(body.stop !== undefined ? { stop: typeof body.stop === 'string' ? [body.stop] : body.stop } : {}),
    };
    // A client that goes away before its answer is complete frees its row in the batch at the next step.
    const gone = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    generation.signal = gone.signal;
    void reply.header('x-tempered-version', String(model.version)).header('x-tempered-arm', arm);
    const started = performance.now();
    const record = (result: GenerationResult | null) => {
      if (!options.models.pipeline || !options.log) return;
      const redact = model.policy.redactForLog;
      const lastUser = generation.messages!.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      options.log.append(
        { pipeline: options.models.pipeline, version: model.version, arm },
        {
          type: 'request',
          id,
          at: new Date().toISOString(),
          latency_s: (performance.now() - started) / 1000,
          error: result === null,
          ...(result?.finishReason === 'cancelled' ? { cancelled: true as const } : {}),
          prompt_tokens: result?.promptTokens ?? 0,
          completion_tokens: result?.tokenIds.length ?? 0,
          features: inputFeatures(lastUser, body.metadata?.category),
          ...(redact ? { prompt: redact(lastUser), ...(result ? { answer: redact(result.text) } : {}) } : {}),
        },
      );
    };
    if (body.stream) return streamAnswer(reply, model, generation, id, record, endStream);

    let result: GenerationResult;
    try {
      [result] = (await model.use((runtime) => runtime.generate([generation]))) as [GenerationResult];
    } catch (err) {
      const problem = requestProblem(err);
      if (problem) return sendError(reply, 400, problem);
      record(null);
      return sendError(reply, 500, SERVER_FAILED);
    }
    record(result);
    return {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: model.name,
      choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: FINISH[result.finishReason] }],
      usage: { prompt_tokens: result.promptTokens, completion_tokens: result.tokenIds.length, total_tokens: result.promptTokens + result.tokenIds.length },
    };
  });

  app.post('/v1/feedback', async (request, reply) => {
    const parsed = feedbackRequest.safeParse(request.body);
    if (!parsed.success) return sendError(reply, 400, describeProblems(parsed.error));
    const { id, resolved, rating } = parsed.data;
    const served = parseCompletionId(id);
    if (!served) return sendError(reply, 400, `id: expected the id of a completion this server returned (chatcmpl-...), got ${JSON.stringify(id)}`);
    if (!options.models.pipeline || !options.log) return sendError(reply, 409, 'this server keeps no feedback log: it serves a model folder, not a registered pipeline');
    options.log.append(
      { pipeline: options.models.pipeline, ...served },
      { type: 'feedback', id, at: new Date().toISOString(), resolved, ...(rating !== undefined ? { rating } : {}) },
    );
    return reply.code(202).send({ accepted: true });
  });

  return app;
}

/** Server-sent events in OpenAI's chunk format, ending with `data: [DONE]`. */
async function streamAnswer(
  reply: FastifyReply,
  model: LoadedModel,
  generation: GenerationRequest,
  id: string,
  record: (result: GenerationResult | null) => void,
  end: (reply: FastifyReply) => void,
): Promise<void> {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, string>, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: model.name, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-tempered-version': String(model.version),
    'x-tempered-arm': reply.getHeader('x-tempered-arm') as string,
  });
  raw.write(chunk({ role: 'assistant', content: '' }, null));
  let sent = '';
  const send = (text: string) => {
    if (text.length > sent.length && text.startsWith(sent)) {
      if (!raw.destroyed) raw.write(chunk({ content: text.slice(sent.length) }, null));
      sent = text;
    }
  };
  const stops = generation.stop ?? [];
  generation.onText = (text) => send(withoutUnsettledEnd(text, stops));
  try {
    const [result] = (await model.use((runtime) => runtime.generate([generation]))) as [GenerationResult];
    record(result);
    if (raw.destroyed) return;
    send(result.text);
    raw.write(chunk({}, FINISH[result.finishReason]));
  } catch (err) {
    const problem = requestProblem(err);
    if (!problem) record(null);
    if (raw.destroyed) return;
    raw.write(`data: ${JSON.stringify({ error: problem ? { message: problem, type: 'invalid_request_error' } : { message: SERVER_FAILED, type: 'server_error' } })}\n\n`);
  }
  end(reply);
}

/** The text without what later tokens may still change: a partial character, or the start of a stop sequence. */
function withoutUnsettledEnd(text: string, stops: string[]): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '\uFFFD') end--;
  let settled = text.slice(0, end);
  for (const stop of stops) {
    for (let k = Math.min(stop.length - 1, settled.length); k > 0; k--) {
      if (settled.endsWith(stop.slice(0, k))) {
        settled = settled.slice(0, settled.length - k);
        break;
      }
    }
  }
  return settled;
}
