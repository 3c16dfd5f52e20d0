import { performance } from 'node:perf_hooks';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { ChatTokenizer } from './chat-tokenizer';
import type { DecoderGraph } from './decoder-graph';
import { KvCache } from './kv-cache';
import type { FinishReason, GenerationRequest, GenerationResult } from './runtime';
import { seededRandom } from '../seeded-random';
import { argmax, sampleToken, type SamplingParams } from './sampling';
import { cutAtStop } from './stop-sequences';

/** A request ready to run: its prompt tokens and how many tokens it may add. */
export interface PreparedRequest {
  request: GenerationRequest;
  promptIds: number[];
  /** maxNewTokens, lowered where the model's context would end first. */
  limit: number;
  queuedAt: number;
}

/** Masked positions shared by every row of a batch are dropped once there are at least this many. */
const TRIM_CHUNK = 16;

/** One request in a batch being decoded. */
export interface Row {
  job: PreparedRequest;
  sampling: SamplingParams | null;
  generated: number[];
  /** Masked positions of this row in the batch's cache (in front, or at the back for right-padded graphs). */
  padding: number;
  finish: FinishReason | null;
  text: string | null;
  /** When its prompt's forward pass started and when it gave its first token. */
  startedAt: number;
  firstTokenAt: number;
  finishedAt: number;
}

export interface BatchContext {
  session: InferenceSession;
  graph: DecoderGraph;
  tokenizer: ChatTokenizer;
  eosTokenIds: ReadonlySet<number>;
  padTokenId: number;
}

function rowOf(job: PreparedRequest, startedAt: number): Row {
  const { temperature = 0, topP = 1, seed } = job.request;
  const sampling = temperature > 0 ? { temperature, topP, random: seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32)) } : null;
  return { job, sampling, generated: [], padding: 0, finish: null, text: null, startedAt, firstTokenAt: 0, finishedAt: 0 };
}

function int64(values: number[], dims: number[]): Tensor {
  return new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

/** Marks the row finished when its last token ends it: an eos token, a stop sequence, or its token limit. */
function checkFinished(row: Row, ctx: BatchContext): void {
  const last = row.generated[row.generated.length - 1]!;
  const stops = row.job.request.stop ?? [];
  if (ctx.eosTokenIds.has(last)) {
    row.finish = 'eos';
  } else if (stops.length > 0) {
    const cut = cutAtStop(ctx.tokenizer.decode(row.generated), stops);
    if (cut !== null) [row.finish, row.text] = ['stop', cut];
  }
  if (!row.finish && row.generated.length >= row.job.limit) row.finish = 'length';
  if (row.finish) row.finishedAt = performance.now();
}

/**
 * Requests decoded together: prompts padded to one length (on the left, or on the right for graphs without
 * position_ids: DecoderGraph.padding), one forward pass per step for all unfinished rows. Finished rows leave the
 * batch (and its cache) as they end, and another batch's rows may join it between steps, so a server keeps its
 * batch full as requests come and go.
 */
export class DecodingBatch {
  private constructor(
    private readonly ctx: BatchContext,
    public rows: Row[],
    private cache: KvCache,
  ) {}

  /** Runs the prompts' forward pass: each row has its first token. */
  static async prefill(jobs: PreparedRequest[], ctx: BatchContext): Promise<DecodingBatch> {
    const rows = jobs.map((job) => rowOf(job, performance.now()));
    const promptLength = Math.max(...jobs.map((j) => j.promptIds.length));
    const batch = new DecodingBatch(ctx, rows, new KvCache(ctx.graph, rows.length, promptLength + Math.max(...jobs.map((j) => j.limit))));
    const right = ctx.graph.padding === 'right';
    for (const row of rows) row.padding = promptLength - row.job.promptIds.length;
    const stepIds = rows.flatMap((row) => {
      const pads = Array<number>(row.padding).fill(ctx.padTokenId);
      return right ? [...row.job.promptIds, ...pads] : [...pads, ...row.job.promptIds];
    });
    await batch.forward(stepIds, promptLength);
    return batch;
  }

  /** One token more for every row. */
  step(): Promise<void> {
    return this.forward(
      this.rows.map((row) => row.generated[row.generated.length - 1]!),
      1,
    );
  }

  /** Takes the finished rows out of the batch and its cache. */
  takeFinished(): Row[] {
    const keep = this.rows.flatMap((row, b) => (row.finish ? [] : [b]));
    if (keep.length === this.rows.length) return [];
    const finished = this.rows.filter((row) => row.finish);
    if (keep.length > 0) this.cache.keepRows(keep);
    this.rows = keep.map((b) => this.rows[b]!);
    // Positions only the rows that left needed (padding of every row that stays) go, in chunks, as copying costs.
    const unused = this.rows.length > 0 ? Math.min(...this.rows.map((row) => row.padding)) : 0;
    if (unused >= TRIM_CHUNK) {
      this.cache.trim(unused, this.ctx.graph.padding);
      for (const row of this.rows) row.padding -= unused;
    }
    return finished;
  }

  /** Adds the rows of another (prefilled) batch; the shorter cache is padded to the longer one's length. */
  absorb(other: DecodingBatch): void {
    const side = this.ctx.graph.padding;
    const parts = [this, other];
    const length = Math.max(this.cache.length, other.cache.length);
    const remaining = Math.max(...parts.flatMap((part) => part.rows.map((row) => row.job.limit - row.generated.length)));
    const merged = KvCache.merge(this.ctx.graph, [this.cache, other.cache], side, length + remaining);
    for (const part of parts) for (const row of part.rows) row.padding += length - part.cache.length;
    this.rows = [...this.rows, ...other.rows];
    this.cache = merged;
  }

  private async forward(stepIds: number[], added: number): Promise<void> {
    const { ctx, cache } = this;
    const active = this.rows;
    const batch = active.length;
    const prefill = cache.length === 0;
    const total = cache.length + added;
    const right = ctx.graph.padding === 'right';
    const feedsAndFetches = cache.step(added);
    // Left: the padding is the row's first positions. Right: the row's real tokens (prompt, then each new one,
    // which the graph stores right after them) are its first total - padding positions.
    const attended = (row: Row, i: number) => (right ? i < total - row.padding : i >= row.padding);
    const feeds: Record<string, Tensor> = {
      ...feedsAndFetches.feeds,
      input_ids: int64(stepIds, [batch, added]),
      attention_mask: int64(active.flatMap((row) => Array.from({ length: total }, (_, i) => (attended(row, i) ? 1 : 0))), [batch, total]),
    };
    if (ctx.graph.hasPositionIds) {
      // As transformers numbers them: real tokens from 0, padded positions 1 (they are masked anyway).
      const positions = active.flatMap((row) =>
        Array.from({ length: added }, (_, i) => (cache.length + i < row.padding ? 1 : cache.length + i - row.padding)),
      );
      feeds.position_ids = int64(positions, [batch, added]);
    }
    const logits = new Float32Array(batch * added * ctx.graph.vocabSize);
    const logitsTensor = new Tensor('float32', logits, [batch, added, ctx.graph.vocabSize]);
    await ctx.session.run(feeds, { ...feedsAndFetches.fetches, logits: logitsTensor });
    cache.advance(added);
    const now = performance.now();

    active.forEach((row, b) => {
      // A right-padded prompt's next token comes from its last real position, not the batch's last one.
      const position = right && prefill ? added - 1 - row.padding : added - 1;
      const offset = (b * added + position) * ctx.graph.vocabSize;
      const last = logits.subarray(offset, offset + ctx.graph.vocabSize);
      row.generated.push(row.sampling ? sampleToken(last, row.sampling) : argmax(last));
      if (row.firstTokenAt === 0) row.firstTokenAt = now;
      checkFinished(row, ctx);
      const onText = row.job.request.onText;
      // The final text (eos dropped, cut at a stop) is the result's; streaming sends only what comes before it.
      if (onText && !row.finish) onText(ctx.tokenizer.decode(row.generated));
    });
  }
}

/** A finished row's answer, timed from its request's arrival. */
export function resultOf(row: Row, ctx: BatchContext): GenerationResult {
  const seconds = (row.finishedAt - row.startedAt) / 1000;
  return {
    text: row.text ?? ctx.tokenizer.decode(row.generated),
    tokenIds: row.generated,
    promptTokens: row.job.promptIds.length,
    finishReason: row.finish!,
    latencyS: (row.finishedAt - row.job.queuedAt) / 1000,
    firstTokenS: (row.firstTokenAt - row.startedAt) / 1000,
    tokensPerSecond: row.generated.length / seconds,
  };
}
