import type { InferenceSession } from 'onnxruntime-node';

/** What the generation loop needs to know about a decoder graph, read from the session's own inputs and outputs. */
export interface DecoderGraph {
  /** Optimum's graphs take position_ids; onnxruntime-genai's builder graphs derive positions from the mask. */
  hasPositionIds: boolean;
  /**
   * Where a batch pads its shorter prompts. With position_ids, on the left (the mask hides the padding). Without
   * them (the builder's GroupQueryAttention), on the right: the graph numbers a row's tokens 0..n-1 from the
   * start and counts its real tokens as the mask's sum, writing each new token's keys and values right after
   * them, so every row's real tokens must come first.
   */
  padding: 'left' | 'right';
  /** Each cache input (past_key_values.<i>.key|value) with the output that returns it one step longer. */
  cache: { past: string; present: string }[];
  kvHeads: number;
  headDim: number;
  vocabSize: number;
}

const REQUIRED_INPUTS = ['input_ids', 'attention_mask'];
const KNOWN_INPUTS = new Set([...REQUIRED_INPUTS, 'position_ids']);

function tensorMeta(list: readonly InferenceSession.ValueMetadata[], name: string) {
  const meta = list.find((m) => m.name === name);
  return meta && meta.isTensor ? meta : undefined;
}

/**
 * Describes the graph, or says what about it this runtime cannot drive. `configHeadDim` (from config.json) stands
 * in for a cache whose last dimension the graph leaves unnamed, as the genai builder's do.
 */
export function describeDecoderGraph(session: InferenceSession, modelPath: string, configHeadDim: number | null = null): DecoderGraph {
  const problem = (what: string) =>
    new Error(`${modelPath}: ${what}; expected a decoder exported with its KV cache (optimum text-generation-with-past, or onnxruntime-genai's model builder)`);
  const inputs = new Set(session.inputNames);
  for (const name of REQUIRED_INPUTS) if (!inputs.has(name)) throw problem(`no input ${name}`);
  const cache = session.inputNames
    .filter((name) => name.startsWith('past_key_values.'))
    .map((past) => ({ past, present: past.replace('past_key_values.', 'present.') }));
  if (cache.length === 0) throw problem('no past_key_values.* inputs');
  const unknown = session.inputNames.filter((name) => !KNOWN_INPUTS.has(name) && !name.startsWith('past_key_values.'));
  if (unknown.length > 0) throw problem(`inputs this runtime does not feed: ${unknown.join(', ')}`);
  for (const { present } of cache) if (!session.outputNames.includes(present)) throw problem(`no output ${present}`);
  if (!session.outputNames.includes('logits')) throw problem('no output logits');

  const past = tensorMeta(session.inputMetadata, cache[0]!.past);
  const logits = tensorMeta(session.outputMetadata, 'logits');
  // [batch, kv_heads, past_length, head_dim] and [batch, length, vocab]: the fixed sizes must be numbers.
  const [, kvHeads, , graphHeadDim] = past?.shape ?? [];
  const headDim = typeof graphHeadDim === 'number' ? graphHeadDim : (configHeadDim ?? graphHeadDim);
  const vocabSize = logits?.shape[2];
  if (typeof kvHeads !== 'number' || typeof headDim !== 'number' || typeof vocabSize !== 'number') {
    throw problem(`cache or logits shape without fixed sizes (${cache[0]!.past}: [${past?.shape.join(', ')}], logits: [${logits?.shape.join(', ')}])`);
  }
  for (const meta of [past, logits]) {
    if (meta?.type !== 'float32') throw problem(`${meta?.name} is ${meta?.type}; this runtime drives float32 caches and logits`);
  }
  const hasPositionIds = inputs.has('position_ids');
  return { hasPositionIds, padding: hasPositionIds ? 'left' : 'right', cache, kvHeads, headDim, vocabSize };
}
