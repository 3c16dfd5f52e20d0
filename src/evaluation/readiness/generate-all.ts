import type { GenerationRequest, GenerationResult, ModelRuntime } from '../../inference/runtime';

/** One answer, or the error that stopped it (a prompt longer than the model takes, a runtime failure). */
export type Outcome = { ok: true; result: GenerationResult } | { ok: false; error: string };

/** Requests per generate call: the runtime batches them, and progress is reported between calls. */
const CHUNK = 8;

export interface GenerateAllOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Answers every request, a chunk per generate call. A chunk the runtime refuses as a whole is asked again one
 * request at a time, so one bad request costs only its own answer.
 */
export async function generateAll(runtime: ModelRuntime, requests: GenerationRequest[], { onProgress, signal }: GenerateAllOptions = {}): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  onProgress?.(0, requests.length);
  for (let start = 0; start < requests.length; start += CHUNK) {
    signal?.throwIfAborted();
    const chunk = requests.slice(start, start + CHUNK);
    try {
      const results = await runtime.generate(chunk);
      outcomes.push(...results.map((result): Outcome => ({ ok: true, result })));
    } catch {
      for (const request of chunk) {
        signal?.throwIfAborted();
        outcomes.push(await generateOne(runtime, request));
      }
    }
    onProgress?.(outcomes.length, requests.length);
  }
  return outcomes;
}

export async function generateOne(runtime: ModelRuntime, request: GenerationRequest): Promise<Outcome> {
  try {
    const [result] = await runtime.generate([request]);
    if (!result) return { ok: false, error: 'the runtime returned no result' };
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
}

/** An error's message, short enough for evidence. */
export function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 160 ? `${message.slice(0, 159)}…` : message;
}
