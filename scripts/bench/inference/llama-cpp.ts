import { performance } from 'node:perf_hooks';
import type { Answer, Contender } from './answers';
import { loadLlamaCpp, type Completion, type Llama, type Sequence } from '../node-llama-cpp';

/**
 * node-llama-cpp on the GGUF file, as a raw completion of the prompt tokens Tempered renders with the chat template
 * (the same ids transformers produces), greedy (temperature 0), on the CPU.
 */
export class LlamaCppContender implements Contender {
  readonly name = 'node-llama-cpp 3.21.1, GGUF Q4_1';

  private constructor(
    private readonly llama: Llama,
    private readonly sequence: Sequence,
    private readonly completion: Completion,
    private readonly promptIds: number[][],
    private readonly maxNewTokens: number,
    private readonly endTokenId: number,
  ) {}

  static async load(opts: {
    packageDir: string;
    ggufPath: string;
    promptIds: number[][];
    maxNewTokens: number;
    threads: number;
    /** The model's end-of-sequence id, recorded for an answer that ends at an end token (not handed out by the library). */
    endTokenId: number;
  }): Promise<LlamaCppContender> {
    const longest = Math.max(...opts.promptIds.map((ids) => ids.length));
    const { llama, slots } = await loadLlamaCpp({ ...opts, contextSize: longest + opts.maxNewTokens + 16, sequences: 1 });
    const [{ sequence, completion }] = slots as [(typeof slots)[number]];
    return new LlamaCppContender(llama, sequence, completion, opts.promptIds, opts.maxNewTokens, opts.endTokenId);
  }

  async warmUp(): Promise<void> {
    await this.answer(this.promptIds.slice(0, 1));
  }

  round(): Promise<Answer[]> {
    return this.answer(this.promptIds);
  }

  private async answer(prompts: number[][]): Promise<Answer[]> {
    const answers: Answer[] = [];
    for (const ids of prompts) {
      // Every prompt starts from an empty cache, as in the other runtimes: no reuse of a previous prompt's prefix.
      await this.sequence.clearHistory();
      const tokenIds: number[] = [];
      const started = performance.now();
      const { metadata } = await this.completion.generateCompletionWithMeta(ids, {
        maxTokens: this.maxNewTokens,
        temperature: 0,
        onToken: (tokens) => tokenIds.push(...tokens),
      });
      const seconds = (performance.now() - started) / 1000;
      // The end token is generated like any other but not handed out; count it as the other runtimes do.
      if (metadata.stopReason === 'eogToken') tokenIds.push(this.endTokenId);
      answers.push({ tokenIds, seconds });
    }
    return answers;
  }

  close(): Promise<void> {
    return this.llama.dispose();
  }
}
