import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * bench:serve's load generator: closed loop. Each of `clients` clients sends its next request as soon as the
 * answer to its previous one arrives, over keep-alive connections (one per client). After a warm-up (at least
 * `warmupS`, and until every client has had one answer, so the first burst of simultaneous prompts is behind),
 * the answers that arrive during the next `durationS` seconds are measured. Requests still in flight at the end
 * are awaited, not counted.
 */

export interface LoadOptions {
  /** The server's base address, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  clients: number;
  durationS: number;
  warmupS: number;
  /** The longest warm-up: past it the measured window starts even if some client has had no answer yet. */
  maxWarmupS: number;
  /** The JSON body of a request: `index` counts the requests of the whole run (all clients), `client` is 0-based. */
  body: (index: number, client: number) => string;
  /** A request unanswered for this long fails (and counts as an error). */
  requestTimeoutS: number;
}

export interface LoadResult {
  clients: number;
  /** Length of the measured window, seconds. */
  windowS: number;
  /** Warm-up actually spent before the window, seconds. */
  warmupS: number;
  /** Well-formed 200 answers that arrived within the window. */
  answers: number;
  /** `answers` per second of the window. */
  rps: number;
  /** Latency of those answers, from sending the request to the end of the answer: median and 95th percentile, ms. */
  p50Ms: number;
  p95Ms: number;
  /** usage.completion_tokens of those answers, per second of the window. */
  completionTokensPerS: number;
  /** Failed requests over the whole phase (warm-up and drain included): non-200 answers, bad bodies, network errors, timeouts. */
  errors: number;
  /** Failed requests by kind, e.g. "HTTP 500: ..." or "ECONNREFUSED". */
  errorKinds: Map<string, number>;
}

type Outcome = { ok: true; completionTokens: number } | { ok: false; kind: string };

interface Answered {
  end: number;
  ms: number;
  completionTokens: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = new URL('/v1/chat/completions', opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  const answered: Answered[] = [];
  const errorKinds = new Map<string, number>();
  let errors = 0;
  let index = 0;
  let stop = false;
  let warmClients = 0;
  let allWarm!: () => void;
  const warm = new Promise<void>((resolve) => (allWarm = resolve));

  const client = async (id: number): Promise<void> => {
    let first = true;
    while (!stop) {
      const body = opts.body(index++, id);
      const started = performance.now();
      const outcome = await post(agent, url, body, opts.requestTimeoutS * 1000);
      const end = performance.now();
      if (outcome.ok) {
        answered.push({ end, ms: end - started, completionTokens: outcome.completionTokens });
      } else {
        errors++;
        errorKinds.set(outcome.kind, (errorKinds.get(outcome.kind) ?? 0) + 1);
      }
      if (first) {
        first = false;
        if (++warmClients === opts.clients) allWarm();
      }
      // A server that fails at once would otherwise be flooded: a short pause after each error.
      if (!outcome.ok) await sleep(100);
    }
  };

  const started = performance.now();
  const running = Promise.all(Array.from({ length: opts.clients }, (_, id) => client(id)));
  const warmUpDone = Promise.all([sleep(opts.warmupS * 1000), warm]);
  const maxWarmup = new AbortController();
  await Promise.race([warmUpDone, sleep(opts.maxWarmupS * 1000, undefined, { signal: maxWarmup.signal }).catch(() => undefined)]);
  maxWarmup.abort();
  const windowStart = performance.now();
  await sleep(opts.durationS * 1000);
  const windowEnd = performance.now();
  stop = true;
  await running;
  agent.destroy();

  const inWindow = answered.filter((a) => a.end >= windowStart && a.end <= windowEnd);
  const windowS = (windowEnd - windowStart) / 1000;
  const latencies = inWindow.map((a) => a.ms).sort((a, b) => a - b);
  return {
    clients: opts.clients,
    windowS,
    warmupS: (windowStart - started) / 1000,
    answers: inWindow.length,
    rps: inWindow.length / windowS,
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    completionTokensPerS: inWindow.reduce((n, a) => n + a.completionTokens, 0) / windowS,
    errors,
    errorKinds,
  };
}

/** Nearest-rank percentile of sorted values; NaN when there are none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** One request: its outcome, never a rejection. */
export function post(agent: http.Agent, url: URL, body: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => resolve({ ok: false, kind: errorKind(err) }));
        res.on('end', () => resolve(judge(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
      },
    );
    // No byte comes back before a non-streaming answer is complete: an idle socket this long is a timeout.
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })));
    req.on('error', (err) => resolve({ ok: false, kind: errorKind(err) }));
    req.end(body);
  });
}

function errorKind(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? err.message;
}

/** A 200 answer in the chat.completion shape with the assistant's text; anything else is an error of its kind. */
function judge(status: number, text: string): Outcome {
  if (status !== 200) {
    let message = text.slice(0, 120);
    try {
      const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
      const found = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
      if (typeof found === 'string') message = found.slice(0, 120);
    } catch {
      // Not JSON: the start of the text is the message.
    }
    return { ok: false, kind: `HTTP ${status}: ${message}` };
  }
  let parsed: {
    object?: unknown;
    choices?: { message?: { content?: unknown } }[];
    usage?: { completion_tokens?: unknown };
  };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return { ok: false, kind: 'HTTP 200 with a body that is not JSON' };
  }
  if (parsed.object !== 'chat.completion' || typeof parsed.choices?.[0]?.message?.content !== 'string') {
    return { ok: false, kind: 'HTTP 200 without a chat.completion answer (object, choices[0].message.content)' };
  }
  const tokens = parsed.usage?.completion_tokens;
  return { ok: true, completionTokens: typeof tokens === 'number' ? tokens : 0 };
}
