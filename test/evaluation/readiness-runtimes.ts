import type { GenerationRequest, GenerationResult, ModelRuntime } from '../../src/inference/runtime';

/** What a scripted model answers to one request; it may throw, as a failing runtime would. */
export type Script = (request: GenerationRequest) => string | Promise<string>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The text a request shows the model: its raw prompt, or its messages one after another. */
export function promptText(request: GenerationRequest): string {
  return request.prompt ?? (request.messages ?? []).map((m) => m.content).join('\n');
}

export const systemOf = (request: GenerationRequest) => request.messages?.find((m) => m.role === 'system')?.content ?? '';
export const lastUserOf = (request: GenerationRequest) => request.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? request.prompt ?? '';

/**
 * A ModelRuntime whose answers a script decides, for testing the checks' logic: records every generate call and
 * how many were in flight at once. Each request of a call is answered on its own; a script that throws fails
 * the whole call, as a real runtime rejects a batch.
 */
export class ScriptedRuntime implements ModelRuntime {
  readonly modelDir = '<scripted>';
  readonly calls: GenerationRequest[][] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly script: Script) {}

  async generate(requests: GenerationRequest[]): Promise<GenerationResult[]> {
    this.calls.push(requests);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const started = Date.now();
    try {
      const texts: string[] = [];
      for (const request of requests) texts.push(await this.script(request));
      const latencyS = (Date.now() - started) / 1000;
      return texts.map((text, i) => {
        const tokenIds = Array.from({ length: Math.min(requests[i]!.maxNewTokens, Math.max(1, text.split(/\s+/).length)) }, (_, t) => t + 3);
        return { text, tokenIds, promptTokens: 1, finishReason: 'eos', latencyS, firstTokenS: latencyS, tokensPerSecond: latencyS > 0 ? tokenIds.length / latencyS : 0 };
      });
    } finally {
      this.inFlight--;
    }
  }

  get requests(): GenerationRequest[] {
    return this.calls.flat();
  }

  async close(): Promise<void> {}
}

export const REFUSAL = "I'm sorry, I can't share that. I can help with orders, shipping and your account.";
