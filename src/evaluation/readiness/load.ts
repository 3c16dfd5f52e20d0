import { performance } from 'node:perf_hooks';
import { percentile } from '../../activities/evaluation/metrics';
import type { GenerationRequest, ModelRuntime } from '../../inference/runtime';
import type { ReadinessSettings } from '../../spec/readiness-schema';
import { meetsThreshold } from '../gate-on-intervals';
import { generateOne } from './generate-all';
import type { ReadinessCheck, ReadinessPrompt, ResponseTimeThreshold } from './types';

/** Distinct error messages quoted in evidence at most. */
const MAX_ERROR_EXAMPLES = 3;

export interface LoadInput {
  settings: ReadinessSettings['load'];
  /** The traffic: requests cycle through these conversations. */
  prompts: ReadinessPrompt[];
  responseTime?: ResponseTimeThreshold;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/**
 * Scalability, load: `requests` requests, `concurrency` of them in flight at once, each its own generate
 * call as a server would send them (the runtime batches what arrives together). Latency is measured by the
 * caller, queueing included. Passes with no errors and, when the spec sets a response-time success metric,
 * a p95 latency that meets it.
 */
export async function checkLoad(runtime: ModelRuntime, { settings, prompts, responseTime, onProgress, signal }: LoadInput): Promise<ReadinessCheck> {
  if (prompts.length === 0) throw new Error('the load check needs at least one prompt');
  const { concurrency, requests: total, max_new_tokens } = settings;
  const request = (i: number): GenerationRequest => ({ messages: prompts[i % prompts.length]!.messages, maxNewTokens: max_new_tokens, temperature: 0 });

  const latencies: number[] = [];
  const errors: string[] = [];
  let tokens = 0;
  let next = 0;
  let done = 0;
  onProgress?.(0, total);
  const started = performance.now();
  const client = async () => {
    while (next < total) {
      signal?.throwIfAborted();
      const i = next++;
      const sent = performance.now();
      const outcome = await generateOne(runtime, request(i));
      const latency = (performance.now() - sent) / 1000;
      if (outcome.ok) {
        latencies.push(latency);
        tokens += outcome.result.tokenIds.length;
      } else {
        errors.push(outcome.error);
      }
      onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, client));
  const wallS = (performance.now() - started) / 1000;

  const p95 = latencies.length > 0 ? percentile(latencies, 0.95) : null;
  const meetsResponseTime = responseTime && p95 !== null ? meetsThreshold(p95, responseTime) : null;
  const passed = errors.length === 0 && latencies.length > 0 && meetsResponseTime !== false;
  return {
    name: 'scalability.load',
    passed,
    evidence: {
      concurrency,
      requests: total,
      completed: latencies.length,
      errors: errors.length,
      error_examples: [...new Set(errors)].slice(0, MAX_ERROR_EXAMPLES),
      latency_s: latencies.length > 0 ? { p50: round(percentile(latencies, 0.5)), p95: round(p95!), max: round(Math.max(...latencies)) } : null,
      tokens_generated: tokens,
      tokens_per_s: wallS > 0 ? round(tokens / wallS, 2) : 0,
      wall_s: round(wallS),
      max_new_tokens,
      response_time: responseTime
        ? { op: responseTime.op, threshold_s: responseTime.value, met: meetsResponseTime }
        : { threshold_s: null, note: 'requirements.success_metrics.response_time is not set: passed on errors only' },
    },
  };
}
