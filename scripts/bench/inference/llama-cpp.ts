import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Answer, Contender } from './answers';

/** The part of node-llama-cpp 3.21's API this benchmark uses; the package lives outside the project's dependencies. */
interface NodeLlamaCpp {
  getLlama(options: { gpu: false; build: 'never'; skipDownload: true; maxThreads: number; logLevel: 'error' }): Promise<Llama>;
  LlamaCompletion: new (options: { contextSequence: Sequence }) => Completion;
}
interface Llama {
  loadModel(options: { modelPath: string; gpuLayers: 0 }): Promise<Model>;
  dispose(): Promise<void>;
}
interface Model {
  createContext(options: { contextSize: number; threads: number; sequences: 1 }): Promise<{ getSequence(): Sequence }>;
}
interface Sequence {
  clearHistory(): Promise<void>;
}
interface Completion {
  generateCompletionWithMeta(
    input: number[],
    options: { maxTokens: number; temperature: 0; onToken: (tokens: number[]) => void },
  ): Promise<{ metadata: { stopReason: string } }>;
}

/** `import()` kept as is: tsc would turn it into require(), which cannot load this ES module package. */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

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
    const entry = path.join(opts.packageDir, 'node_modules', 'node-llama-cpp', 'dist', 'index.js');
    const lib = (await importModule(pathToFileURL(entry).href)) as NodeLlamaCpp;
    // Its prebuilt CPU binary only: nothing is built or downloaded.
    const llama = await lib.getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: opts.threads, logLevel: 'error' });
    const model = await llama.loadModel({ modelPath: opts.ggufPath, gpuLayers: 0 });
    const longest = Math.max(...opts.promptIds.map((ids) => ids.length));
    const context = await model.createContext({ contextSize: longest + opts.maxNewTokens + 16, threads: opts.threads, sequences: 1 });
    const sequence = context.getSequence();
    return new LlamaCppContender(llama, sequence, new lib.LlamaCompletion({ contextSequence: sequence }), opts.promptIds, opts.maxNewTokens, opts.endTokenId);
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
