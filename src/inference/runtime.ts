/**
 * The model runtime that evaluation and serving share: load a model folder once, generate for many requests,
 * close. Implementations: `OnnxModelRuntime` (onnxruntime-node on an exported ONNX graph).
 */

export interface ChatMessage {
  role: string;
  content: string;
}

export interface GenerationRequest {
  /** A conversation, rendered with the model's chat template and its generation prompt. */
  messages?: ChatMessage[];
  /** Raw prompt text, tokenized as is (no template); exactly one of `messages` and `prompt`. */
  prompt?: string;
  /** Longer prompts keep their last this many tokens (as training cut them). Default: no cut. */
  maxPromptTokens?: number;
  /** Upper bound on generated tokens, the end-of-sequence token included. */
  maxNewTokens: number;
  /** 0 or absent: greedy. Above 0: sampling from the softmax at this temperature. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of most likely tokens whose probabilities add up to this. Default 1. */
  topP?: number;
  /** Seed of this request's own random generator; the same seed gives the same sample. Default: random. */
  seed?: number;
  /** Generation ends when the decoded text contains one of these; the text is cut before it. */
  stop?: string[];
  /**
   * Called after each generated token with the answer's text so far (a streaming server sends the new part). The text
   * may end in a partial character or the start of a stop sequence that later tokens complete or cut.
   */
  onText?: (text: string) => void;
  /** Aborted when nobody waits for the answer any more (the client went away): the row leaves the batch at the next step. */
  signal?: AbortSignal;
}

/** `cancelled`: the request's signal was aborted; the result holds what was generated until then. */
export type FinishReason = 'eos' | 'stop' | 'length' | 'cancelled';

export interface GenerationResult {
  text: string;
  /** Every generated token, an end-of-sequence token or the tokens of a stop sequence included. */
  tokenIds: number[];
  promptTokens: number;
  finishReason: FinishReason;
  /** From the call to generate to this request's last token, queueing included. */
  latencyS: number;
  /** From the start of its batch to its first generated token (the prompt's forward pass). */
  firstTokenS: number;
  /** Generated tokens per second of this request's own generation time (prefill included, queueing not). */
  tokensPerSecond: number;
}

export interface ModelRuntime {
  /** The folder the model was loaded from, for messages and reports. */
  readonly modelDir: string;
  /** One result per request, in order. Concurrent calls share the runtime: their requests are batched together. */
  generate(requests: GenerationRequest[]): Promise<GenerationResult[]>;
  /** Releases the native session; pending requests fail. */
  close(): Promise<void>;
}
