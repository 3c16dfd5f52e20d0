import { Tensor } from 'onnxruntime-node';
import type { BatchContext } from './batch-generation';
import { KvCache } from './kv-cache';
import type { ChatMessage } from './runtime';

export interface AnswerLoss {
  /** Mean negative log-likelihood per answer token (nats); NaN when no conversation had an answer token left. */
  loss: number;
  /** Answer tokens the mean is over. */
  tokens: number;
  /** Conversations left out because truncation to maxLength left none of their answer. */
  skipped: number;
}

/**
 * The loss training reports, on the exported graph: each conversation tokenized with the chat template and cut
 * to `maxLength` tokens, one forward pass over all of it, and the log-likelihood of every token after the prompt
 * given the ones before. Conversations run one at a time: no padding to mask, and a test split is small.
 */
export async function answerLoss(ctx: BatchContext, conversations: ChatMessage[][], maxLength: number): Promise<AnswerLoss> {
  const { vocabSize } = ctx.graph;
  let total = 0;
  let tokens = 0;
  let skipped = 0;
  for (const messages of conversations) {
    const encoded = ctx.tokenizer.encodeConversation(messages);
    const ids = encoded.ids.slice(0, maxLength);
    if (encoded.promptLength >= ids.length) {
      skipped++;
      continue;
    }
    const length = ids.length;
    const cache = new KvCache(ctx.graph, 1, length);
    const { feeds, fetches } = cache.step(length);
    const logits = new Float32Array(length * vocabSize);
    const int64 = (values: number[]) => new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, length]);
    feeds.input_ids = int64(ids);
    feeds.attention_mask = int64(ids.map(() => 1));
    if (ctx.graph.hasPositionIds) feeds.position_ids = int64(ids.map((_, i) => i));
    await ctx.session.run(feeds, { ...fetches, logits: new Tensor('float32', logits, [1, length, vocabSize]) });
    // Position t - 1 predicts token t.
    for (let t = encoded.promptLength; t < length; t++) {
      const row = logits.subarray((t - 1) * vocabSize, t * vocabSize);
      total += logSumExp(row) - row[ids[t]!]!;
      tokens++;
    }
  }
  return { loss: tokens > 0 ? total / tokens : NaN, tokens, skipped };
}

function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i]! > max) max = row[i]!;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i]! - max);
  return max + Math.log(sum);
}
