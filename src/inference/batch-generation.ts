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

interface Row {
  job: PreparedRequest;
  sampling: SamplingParams | null;
  generated: number[];
  /** Padding of this row's prompt in the batch (on the side the graph takes it): the attention mask hides it. */
  padding: number;
  finish: FinishReason | null;
  text: string | null;
  finishedAt: number;
}

export interface BatchContext {
  session: InferenceSession;
  graph: DecoderGraph;
  tokenizer: ChatTokenizer;
  eosTokenIds: ReadonlySet<number>;
  padTokenId: number;
}

function rowOf(job: PreparedRequest): Row {
  const { temperature = 0, topP = 1, seed } = job.request;
  const sampling = temperature > 0 ? { temperature, topP, random: seededRandom(seed ?? Math.floor(Math.random() * 2 ** 32)) } : null;
  return { job, sampling, generated: [], padding: 0, finish: null, text: null, finishedAt: 0 };
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
 * Generates for several requests at once: prompts padded to one length (on the left, or on the right for graphs
 * without position_ids: DecoderGraph.padding), one forward pass per step for all unfinished rows, finished rows
 * dropped from the batch (and its cache) as they end.
 */
export async function generateBatch(jobs: PreparedRequest[], ctx: BatchContext): Promise<GenerationResult[]> {
  const startedAt = performance.now();
  const rows = jobs.map(rowOf);
  const promptLength = Math.max(...jobs.map((j) => j.promptIds.length));
  const capacity = promptLength + Math.max(...jobs.map((j) => j.limit));
  const cache = new KvCache(ctx.graph, rows.length, capacity);
  let logits = new Float32Array(rows.length * promptLength * ctx.graph.vocabSize);

  let active = rows;
  const right = ctx.graph.padding === 'right';
  for (const row of rows) row.padding = promptLength - row.job.promptIds.length;
  let stepIds = rows.flatMap((row) => {
    const pads = Array<number>(row.padding).fill(ctx.padTokenId);
    return right ? [...row.job.promptIds, ...pads] : [...pads, ...row.job.promptIds];
  });
  let firstTokenAt = 0;

  while (active.length > 0) {
    const batch = active.length;
    const added = stepIds.length / batch;
    const prefill = cache.length === 0;
    const total = cache.length + added;
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
    const logitsTensor = new Tensor('float32', logits.subarray(0, batch * added * ctx.graph.vocabSize), [batch, added, ctx.graph.vocabSize]);
    await ctx.session.run(feeds, { ...feedsAndFetches.fetches, logits: logitsTensor });
    cache.advance(added);
    if (firstTokenAt === 0) firstTokenAt = performance.now();

    active.forEach((row, b) => {
      // A right-padded prompt's next token comes from its last real position, not the batch's last one.
      const position = right && prefill ? added - 1 - row.padding : added - 1;
      const offset = (b * added + position) * ctx.graph.vocabSize;
      const last = logits.subarray(offset, offset + ctx.graph.vocabSize);
      row.generated.push(row.sampling ? sampleToken(last, row.sampling) : argmax(last));
      checkFinished(row, ctx);
      const onText = row.job.request.onText;
      // The final text (eos dropped, cut at a stop) is the result's; streaming sends only what comes before it.
      if (onText && !row.finish) onText(ctx.tokenizer.decode(row.generated));
    });
    const keep = active.flatMap((row, b) => (row.finish ? [] : [b]));
    if (keep.length < active.length && keep.length > 0) cache.keepRows(keep);
    active = keep.map((b) => active[b]!);
    stepIds = active.map((row) => row.generated[row.generated.length - 1]!);
    // The prompt's logits buffer is only needed once; decoding needs one position per row.
    if (added > 1) logits = new Float32Array(active.length * ctx.graph.vocabSize);
  }

  return rows.map((row) => {
    const seconds = (row.finishedAt - startedAt) / 1000;
    return {
      text: row.text ?? ctx.tokenizer.decode(row.generated),
      tokenIds: row.generated,
      promptTokens: row.job.promptIds.length,
      finishReason: row.finish!,
      latencyS: (row.finishedAt - row.job.queuedAt) / 1000,
      firstTokenS: (firstTokenAt - startedAt) / 1000,
      tokensPerSecond: row.generated.length / seconds,
    };
  });
}
