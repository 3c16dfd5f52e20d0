import { performance } from 'node:perf_hooks';
import { InferenceSession } from 'onnxruntime-node';
import { answerLoss, type AnswerLoss } from './answer-loss';
import type { BatchContext, PreparedRequest } from './batch-generation';
import { DecodeScheduler } from './decode-scheduler';
import { ChatTokenizer } from './chat-tokenizer';
import { describeDecoderGraph } from './decoder-graph';
import { readModelFiles } from './model-files';
import type { ChatMessage, GenerationRequest, GenerationResult, ModelRuntime } from './runtime';
import { cpuSessionOptions, type CpuSessionSettings } from './session-options';

export interface OnnxRuntimeOptions extends CpuSessionSettings {
  /** Most requests decoded together in one batch; 1 runs them one after another. Default 8. */
  maxBatch?: number;
}

function validate(request: GenerationRequest, index: number): void {
  const where = `requests[${index}]`;
  if ((request.messages === undefined) === (request.prompt === undefined)) throw new TypeError(`${where} needs exactly one of messages and prompt`);
  if (!Number.isInteger(request.maxNewTokens) || request.maxNewTokens < 1) throw new RangeError(`${where}.maxNewTokens must be a whole number ≥ 1, got ${request.maxNewTokens}`);
  if (request.temperature !== undefined && !(request.temperature >= 0)) throw new RangeError(`${where}.temperature must be ≥ 0, got ${request.temperature}`);
  if (request.maxPromptTokens !== undefined && !(Number.isInteger(request.maxPromptTokens) && request.maxPromptTokens >= 1)) {
    throw new RangeError(`${where}.maxPromptTokens must be a whole number ≥ 1, got ${request.maxPromptTokens}`);
  }
  if (request.topP !== undefined && !(request.topP > 0 && request.topP <= 1)) throw new RangeError(`${where}.topP must be in (0, 1], got ${request.topP}`);
}

/**
 * A model folder exported by the trainer (onnx/, onnx-quantized/ or onnx-genai/) run with onnxruntime-node on the CPU.
 * Concurrent generate calls are decoded together, up to `maxBatch` requests at a time, requests joining the batch
 * between steps as they arrive (continuous batching).
 */
export class OnnxModelRuntime implements ModelRuntime {
  private readonly queue: DecodeScheduler;

  private constructor(
    readonly modelDir: string,
    private readonly session: InferenceSession,
    private readonly ctx: BatchContext,
    private readonly maxPositions: number | null,
    maxBatch: number,
  ) {
    this.queue = new DecodeScheduler(ctx, maxBatch);
  }

  static async load(modelDir: string, options: OnnxRuntimeOptions = {}): Promise<OnnxModelRuntime> {
    const files = readModelFiles(modelDir);
    const tokenizer = new ChatTokenizer(files);
    const session = await InferenceSession.create(files.modelPath, cpuSessionOptions(options));
    try {
      const graph = describeDecoderGraph(session, files.modelPath, files.headDim);
      const ctx = { session, graph, tokenizer, eosTokenIds: new Set(files.eosTokenIds), padTokenId: tokenizer.padTokenId() };
      return new OnnxModelRuntime(modelDir, session, ctx, files.maxPositions, options.maxBatch ?? 8);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  generate(requests: GenerationRequest[]): Promise<GenerationResult[]> {
    const queuedAt = performance.now();
    let jobs: PreparedRequest[];
    try {
      jobs = requests.map((request, i) => {
        validate(request, i);
        let promptIds = this.ctx.tokenizer.encodeRequest(request);
        if (request.maxPromptTokens !== undefined && promptIds.length > request.maxPromptTokens) promptIds = promptIds.slice(-request.maxPromptTokens);
        if (promptIds.length === 0) throw new RangeError(`requests[${i}]: the prompt has no tokens`);
        const room = this.maxPositions === null ? Infinity : this.maxPositions - promptIds.length;
        if (room < 1) throw new RangeError(`requests[${i}]: the prompt has ${promptIds.length} tokens; the model takes at most ${this.maxPositions}`);
        return { request, promptIds, limit: Math.min(request.maxNewTokens, room), queuedAt };
      });
    } catch (err) {
      return Promise.reject(err);
    }
    return this.queue.push(jobs);
  }

  /**
   * Mean loss per answer token over finished conversations (the last message is the answer), each cut to
   * `maxLength` tokens. Runs beside generation: an onnxruntime session takes concurrent runs.
   */
  answerLoss(conversations: ChatMessage[][], maxLength: number): Promise<AnswerLoss> {
    return answerLoss(this.ctx, conversations, maxLength);
  }

  async close(): Promise<void> {
    // The native session must outlive the batch that is using it.
    await this.queue.close(new Error(`the model runtime for ${this.modelDir} was closed`));
    await this.session.release();
  }
}
