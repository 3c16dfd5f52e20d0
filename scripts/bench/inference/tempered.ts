import { performance } from 'node:perf_hooks';
import { OnnxModelRuntime } from '../../../src/inference/onnx-runtime';
import type { ChatMessage } from '../../../src/inference/runtime';
import type { Answer, Contender } from './answers';

/** Tempered's own runtime on one exported folder (onnx/, onnx-quantized/ or onnx-genai/), with its default session settings or spinning threads. */
export class TemperedContender implements Contender {
  private constructor(
    readonly name: string,
    private readonly runtime: OnnxModelRuntime,
    private readonly conversations: ChatMessage[][],
    private readonly maxNewTokens: number,
  ) {}

  static async load(name: string, modelDir: string, conversations: ChatMessage[][], maxNewTokens: number, threads: number, spinning = false): Promise<TemperedContender> {
    // maxBatch covers every prompt, so the batched measure decodes them all together.
    const runtime = await OnnxModelRuntime.load(modelDir, { threads, maxBatch: conversations.length, spinning });
    return new TemperedContender(name, runtime, conversations, maxNewTokens);
  }

  async warmUp(): Promise<void> {
    await this.answer(this.conversations.slice(0, 1));
  }

  round(): Promise<Answer[]> {
    return this.answer(this.conversations);
  }

  private async answer(conversations: ChatMessage[][]): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (const messages of conversations) {
      const started = performance.now();
      const [result] = await this.runtime.generate([{ messages, maxNewTokens: this.maxNewTokens }]);
      answers.push({ tokenIds: result!.tokenIds, seconds: (performance.now() - started) / 1000 });
    }
    return answers;
  }

  /** All prompts in one call, decoded as one padded batch: new tokens per second of the call's wall time. */
  async batchedTokensPerSecond(): Promise<number> {
    const started = performance.now();
    const results = await this.runtime.generate(this.conversations.map((messages) => ({ messages, maxNewTokens: this.maxNewTokens })));
    const seconds = (performance.now() - started) / 1000;
    return results.reduce((n, r) => n + r.tokenIds.length, 0) / seconds;
  }

  close(): Promise<void> {
    return this.runtime.close();
  }
}
