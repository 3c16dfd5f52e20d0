import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The part of node-llama-cpp 3.21's API the benchmarks use; the package lives outside the project's dependencies. */
interface NodeLlamaCpp {
  getLlama(options: { gpu: false; build: 'never'; skipDownload: true; maxThreads: number; logLevel: 'error' }): Promise<Llama>;
  LlamaCompletion: new (options: { contextSequence: Sequence }) => Completion;
}
export interface Llama {
  loadModel(options: { modelPath: string; gpuLayers: 0 }): Promise<Model>;
  dispose(): Promise<void>;
}
interface Model {
  createContext(options: { contextSize: number; threads: number; sequences: number }): Promise<Context>;
}
export interface Context {
  /** The size of each sequence's own context, in tokens. */
  readonly contextSize: number;
  getSequence(): Sequence;
}
export interface Sequence {
  clearHistory(): Promise<void>;
}
export interface Completion {
  generateCompletionWithMeta(
    input: number[],
    options: { maxTokens: number; temperature: number; signal?: AbortSignal; onToken: (tokens: number[]) => void },
  ): Promise<{ response: string; metadata: { stopReason: string } }>;
}

/** `import()` kept as is: tsc would turn it into require(), which cannot load this ES module package. */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * node-llama-cpp from the folder it was installed in, with the GGUF file loaded and a context of `sequences`
 * sequences, each with a completion on it. Its prebuilt CPU binary only: nothing is built or downloaded.
 */
export async function loadLlamaCpp(opts: { packageDir: string; ggufPath: string; threads: number; contextSize: number; sequences: number }) {
  const entry = path.join(opts.packageDir, 'node_modules', 'node-llama-cpp', 'dist', 'index.js');
  const lib = (await importModule(pathToFileURL(entry).href)) as NodeLlamaCpp;
  const llama = await lib.getLlama({ gpu: false, build: 'never', skipDownload: true, maxThreads: opts.threads, logLevel: 'error' });
  const model = await llama.loadModel({ modelPath: opts.ggufPath, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: opts.contextSize, threads: opts.threads, sequences: opts.sequences });
  const slots = Array.from({ length: opts.sequences }, () => {
    const sequence = context.getSequence();
    return { sequence, completion: new lib.LlamaCompletion({ contextSequence: sequence }) };
  });
  return { llama, context, slots };
}
