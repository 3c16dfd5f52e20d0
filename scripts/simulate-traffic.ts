/**
 * Simulated users for `tempered serve`: each asks a support question under a stable user id and then says whether the
 * answer resolved it, with a probability that depends on the arm that answered (the `x-tempered-arm` header). A model
 * cannot judge its own answers, so the outcome is simulated; everything else (routing, the log, the A/B test) is real.
 *
 *   node dist/scripts/simulate-traffic.js --url http://127.0.0.1:8000 --requests 2000 --resolved control=0.6,treatment=0.7
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/seeded-random';

export interface TrafficOptions {
  baseUrl: string;
  requests: number;
  users: number;
  concurrency: number;
  /** Chance that an answer of each arm resolves the question. */
  resolved: Record<string, number>;
  apiKey?: string;
  maxTokens?: number;
  seed?: number;
}

export interface TrafficSummary {
  requests: number;
  errors: number;
  byArm: Record<string, { requests: number; resolved: number }>;
}

const QUESTIONS = [
  'How do I reset my password?',
  'Where is my order?',
  'Can I change the email on my account?',
  'How do I return an item?',
  'Do you ship abroad?',
  'Why was my card declined?',
];

export async function simulateTraffic(opts: TrafficOptions): Promise<TrafficSummary> {
  const random = seededRandom(opts.seed ?? 1);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) };
  const summary: TrafficSummary = { requests: 0, errors: 0, byArm: {} };
  let next = 0;
  const client = async () => {
    while (next < opts.requests) {
      const i = next++;
      const user = `user-${Math.floor(random() * opts.users)}`;
      const answer = await fetch(`${opts.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ messages: [{ role: 'user', content: QUESTIONS[i % QUESTIONS.length] }], max_tokens: opts.maxTokens ?? 8, user }),
      });
      summary.requests++;
      const arm = answer.headers.get('x-tempered-arm') ?? 'unknown';
      const body = (await answer.json()) as { id?: string };
      if (!answer.ok || !body.id) {
        summary.errors++;
        continue;
      }
      const tally = (summary.byArm[arm] ??= { requests: 0, resolved: 0 });
      tally.requests++;
      const resolved = random() < (opts.resolved[arm] ?? opts.resolved.production ?? 0.5);
      if (resolved) tally.resolved++;
      const feedback = await fetch(`${opts.baseUrl}/v1/feedback`, { method: 'POST', headers, body: JSON.stringify({ id: body.id, resolved }) });
      if (!feedback.ok) summary.errors++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, client));
  return summary;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8000' },
      requests: { type: 'string', default: '1000' },
      users: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '4' },
      resolved: { type: 'string', default: 'production=0.7,control=0.6,treatment=0.7' },
      seed: { type: 'string', default: '1' },
    },
  });
  const resolved = Object.fromEntries(
    values.resolved.split(',').map((pair) => {
      const [arm, rate] = pair.split('=');
      if (!arm || !(Number(rate) >= 0 && Number(rate) <= 1)) throw new Error(`--resolved ${values.resolved}: expected arm=rate pairs such as control=0.6,treatment=0.7`);
      return [arm, Number(rate)];
    }),
  );
  const summary = await simulateTraffic({
    baseUrl: values.url,
    requests: Number(values.requests),
    users: Number(values.users),
    concurrency: Number(values.concurrency),
    resolved,
    seed: Number(values.seed),
    ...(process.env.TEMPERED_SERVE_API_KEY ? { apiKey: process.env.TEMPERED_SERVE_API_KEY } : {}),
  });
  console.log(JSON.stringify(summary));
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
