import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { openArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { FeedbackLogWriter, readFeedbackWindow } from '../../src/serving/feedback-log';
import type { GenerationRequest, ModelRuntime } from '../../src/inference/runtime';
import { LoadedModel, RegistryModels } from '../../src/serving/served-models';
import { createServer } from '../../src/serving/server';
import { registerTinyVersion } from '../support/served-registry';

const PIPELINE = 'serve-test';
const ask = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], max_tokens: 12, ...extra });

interface Completion {
  id: string;
  object: string;
  model: string;
  choices: { index: number; message: { role: string; content: string }; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** Reads an event stream to its end: the data lines' JSON objects, and whether it ended with [DONE]. */
async function readEvents(response: Response): Promise<{ events: Record<string, unknown>[]; done: boolean }> {
  const text = await response.text();
  const data = text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
  return { events: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>), done: data.at(-1) === '[DONE]' };
}

describe('tempered serve on a registered tiny model', function () {
  this.timeout(600_000);
  let store: ArtifactStore;
  let models: RegistryModels;
  let log: FeedbackLogWriter;
  let app: FastifyInstance;
  let url: string;
  const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  before(async () => {
    store = openArtifactStore({ kind: 'local', dir: fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-serve-')) });
    await registerTinyVersion(store, PIPELINE, 'v1', {
      patch: (spec) => ({ ...spec, deployment: { ...spec.deployment, serving: { log_text: true, max_tokens: 32 } } }),
    });
    models = new RegistryModels(PIPELINE, store, fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-serve-cache-')), { threads: 1 });
    assert.equal(await models.refresh(), true);
    log = new FeedbackLogWriter(store, 200);
    app = createServer({ models, log, apiKeys: [] });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(async () => {
    await app?.close();
    await log?.close();
    await models?.close();
  });

  it('answers a chat completion on the production version, in the OpenAI shape', async () => {
    const response = await post('/v1/chat/completions', ask('How do I reset my password?'));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-tempered-version'), '1');
    assert.equal(response.headers.get('x-tempered-arm'), 'production');
    const body = (await response.json()) as Completion;
    assert.match(body.id, /^chatcmpl-1p-[0-9a-f]{24}$/);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'serve-test-v1-onnx');
    assert.equal(body.choices[0]!.message.role, 'assistant');
    assert.ok(body.usage.completion_tokens >= 1 && body.usage.completion_tokens <= 12);
    assert.ok(body.usage.prompt_tokens > 5);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.ok(['stop', 'length'].includes(body.choices[0]!.finish_reason));
  });

  it('streams the same answer as server-sent chunks ending in [DONE]', async () => {
    const whole = (await (await post('/v1/chat/completions', ask('Where is my order?'))).json()) as Completion;
    const response = await post('/v1/chat/completions', ask('Where is my order?', { stream: true }));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const { events, done } = await readEvents(response);
    assert.ok(done, 'the stream ends with data: [DONE]');
    const choices = events.map((e) => (e.choices as { delta: { content?: string }; finish_reason: string | null }[])[0]!);
    assert.ok(events.every((e) => e.object === 'chat.completion.chunk' && typeof e.id === 'string'));
    assert.ok(choices.length >= 3, `a role chunk, content chunks and a finish chunk; got ${choices.length}`);
    assert.equal(choices.map((c) => c.delta.content ?? '').join(''), whole.choices[0]!.message.content, 'greedy: the stream spells the same answer');
    assert.equal(choices.at(-1)!.finish_reason, whole.choices[0]!.finish_reason);
    assert.ok(choices.slice(0, -1).every((c) => c.finish_reason === null));
  });

  it('records each request and its feedback in the log, with text only as the spec allows and PII redacted', async () => {
    const response = await post('/v1/chat/completions', { ...ask('My email is ana.lopez@example.com, where is my order?'), metadata: { category: 'orders' } }, { 'x-user-id': 'ana' });
    const { id } = (await response.json()) as Completion;
    const feedback = await post('/v1/feedback', { id, resolved: true, rating: 4 });
    assert.equal(feedback.status, 202);
    await log.flush();
    const window = await readFeedbackWindow(store, PIPELINE, 1, { from: null, to: new Date().toISOString() });
    const request = window.requests.find((r) => r.id === id);
    assert.ok(request, 'the request is in the log');
    assert.equal(request.error, false);
    assert.ok(request.latency_s > 0 && request.completion_tokens >= 1);
    assert.ok(request.prompt?.includes('where is my order?'), 'the prompt is logged, as the spec allows');
    assert.ok(!request.prompt?.includes('ana.lopez@example.com'), `the address is redacted: ${request.prompt}`);
    // What the drift check compares, logged with or without text.
    assert.equal(request.features?.language, 'en');
    assert.equal(request.features?.category, 'orders');
    assert.equal(request.features?.chars, 'My email is ana.lopez@example.com, where is my order?'.length);
    assert.deepEqual(
      window.feedback.filter((f) => f.id === id).map(({ resolved, rating }) => ({ resolved, rating })),
      [{ resolved: true, rating: 4 }],
    );
    const names = await store.listNamed(`feedback/${PIPELINE}/v1/production/${new Date().toISOString().slice(0, 13)}/`);
    assert.ok(names.length >= 1, 'partitioned by pipeline, version, arm and hour');
  });

  it('loses at most the last second of feedback: a buffered event is in the store within a flush interval, without a close', async () => {
    const writer = new FeedbackLogWriter(store, 1000);
    const at = new Date().toISOString();
    writer.append({ pipeline: 'flush-test', version: 1, arm: 'production' }, { type: 'feedback', id: 'chatcmpl-x', at, resolved: false });
    await new Promise((r) => setTimeout(r, 1500));
    const window = await readFeedbackWindow(store, 'flush-test', 1, { from: null, to: new Date().toISOString() });
    assert.equal(window.feedback.length, 1);
    clearInterval((writer as unknown as { timer: NodeJS.Timeout }).timer);
  });

  describe('refuses bad requests with 400 and what was wrong, never a stack trace', () => {
    const refused = async (body: unknown, status: number, pattern: RegExp, route = '/v1/chat/completions') => {
      const response = await post(route, body);
      assert.equal(response.status, status);
      const answer = (await response.json()) as { error: { message: string; type: string } };
      assert.match(answer.error.message, pattern);
      assert.doesNotMatch(JSON.stringify(answer), /\bat .+\.(js|ts):\d+/, 'no stack trace');
      return answer;
    };

    it('a body that is not JSON', () => refused('{"messages": [', 400, /JSON/i));
    it('no messages', () => refused({ model: 'x' }, 400, /^messages: /));
    it('a message of an unknown role', () => refused({ messages: [{ role: 'robot', content: 'hi' }] }, 400, /^messages\[0\]\.role: /));
    it('more tokens than the spec allows', () => refused(ask('hi', { max_tokens: 5000 }), 400, /max_tokens: expected at most 32, got 5000/));
    it('n other than 1', () => refused(ask('hi', { n: 3 }), 400, /^n: only n = 1 is supported/));
    it('a body over the size limit', () => refused(ask('x'.repeat(70 * 1024)), 413, /too large/i));
    it('feedback on an id this server never gave', () => refused({ id: 'abc', resolved: true }, 400, /^id: expected the id of a completion/, '/v1/feedback'));
    it('feedback without its outcome', () => refused({ id: 'chatcmpl-1p-000000000000000000000000' }, 400, /^resolved: /, '/v1/feedback'));
  });

  it('requires an API key when keys are set, except for the health check', async () => {
    const locked = createServer({ models, log, apiKeys: ['key-one', 'key-two'] });
    const lockedUrl = await locked.listen({ host: '127.0.0.1', port: 0 });
    try {
      const call = (headers: Record<string, string>) =>
        fetch(`${lockedUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(ask('hi', { max_tokens: 2 })) });
      const missing = await call({});
      assert.equal(missing.status, 401);
      assert.match(((await missing.json()) as { error: { message: string } }).error.message, /expected an API key/);
      assert.equal((await call({ authorization: 'Bearer key-three' })).status, 401);
      assert.equal((await call({ authorization: 'Bearer key-two' })).status, 200);
      assert.equal((await fetch(`${lockedUrl}/health`)).status, 200);
    } finally {
      await locked.close();
    }
  });

  it('finishes the requests in flight when it shuts down, then takes no more', async () => {
    const closing = createServer({ models, log, apiKeys: [] });
    const closingUrl = await closing.listen({ host: '127.0.0.1', port: 0 });
    const arrived = new Promise((r) => closing.server.once('request', r));
    const inFlight = fetch(`${closingUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask('Do you ship abroad?', { max_tokens: 24 })) });
    await arrived;
    await closing.close();
    const answered = await inFlight;
    assert.equal(answered.status, 200);
    assert.ok(((await answered.json()) as Completion).choices[0]!.message.content !== undefined);
    await assert.rejects(fetch(`${closingUrl}/health`), 'the port is closed');
  });

  it('stops decoding for a client that goes away, and logs the request as cancelled, not failed', async () => {
    const routing = models.routing();
    assert.ok(routing?.kind === 'single');
    const { runtime } = routing.model;
    // The real runtime, asked only once the client has gone: deterministic, whatever the machine's speed.
    const held = Object.assign(Object.create(runtime) as ModelRuntime, {
      generate: async (requests: GenerationRequest[]) => {
        const signal = requests[0]!.signal!;
        if (!signal.aborted) await once(signal, 'abort');
        return runtime.generate(requests);
      },
    });
    const served = new LoadedModel(1, held, routing.model.policy, routing.model.name);
    const heldApp = createServer({
      models: { routing: () => ({ kind: 'single', model: served, arm: 'production' }), refresh: async () => false, pipeline: PIPELINE, close: async () => {} },
      log,
      apiKeys: [],
    });
    const heldUrl = await heldApp.listen({ host: '127.0.0.1', port: 0 });
    try {
      const client = new AbortController();
      const response = await fetch(`${heldUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ask('Where is my order?', { stream: true, max_tokens: 32 })),
        signal: client.signal,
      });
      const firstChunk = await response.body!.getReader().read();
      assert.ok(firstChunk.value, 'the answer has begun');
      client.abort();
      let cancelled;
      for (let i = 0; i < 100 && !cancelled; i++) {
        await new Promise((r) => setTimeout(r, 50));
        await log.flush();
        const window = await readFeedbackWindow(store, PIPELINE, 1, { from: null, to: new Date().toISOString() });
        cancelled = window.requests.find((r) => r.cancelled);
      }
      assert.ok(cancelled, 'the request is logged as cancelled');
      assert.equal(cancelled.error, false, 'a client going away is not the model failing');
      assert.equal(cancelled.completion_tokens, 1, 'the first token, then no more steps');
    } finally {
      await heldApp.close();
    }
  });
});
