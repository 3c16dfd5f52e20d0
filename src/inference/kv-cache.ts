import { Tensor } from 'onnxruntime-node';
import type { DecoderGraph } from './decoder-graph';

/**
 * The KV cache of a batch as two buffers per cache tensor: each step reads the past from one and has the graph
 * write the present (one position longer) into the other, passed in `fetches`, then they swap. onnxruntime-node
 * 1.30 still copies every fetched output into a fresh JS buffer on return (checked: the returned tensor is not
 * the one passed), which the loop ignores; what this saves is the session's own output allocation, and finished
 * rows can be dropped in place. Layout [batch, kv_heads, length, head_dim], rows contiguous.
 */
export class KvCache {
  private current: Float32Array[];
  private next: Float32Array[];
  length = 0;

  constructor(
    private readonly graph: DecoderGraph,
    private rows: number,
    capacity: number,
  ) {
    const size = rows * graph.kvHeads * capacity * graph.headDim;
    this.current = graph.cache.map(() => new Float32Array(size));
    this.next = graph.cache.map(() => new Float32Array(size));
  }

  private tensor(buffer: Float32Array, length: number): Tensor {
    const { kvHeads, headDim } = this.graph;
    return new Tensor('float32', buffer.subarray(0, this.rows * kvHeads * length * headDim), [this.rows, kvHeads, length, headDim]);
  }

  /** Feeds for the cache inputs and the preallocated outputs for a step that adds `added` positions. */
  step(added: number): { feeds: Record<string, Tensor>; fetches: Record<string, Tensor> } {
    const feeds: Record<string, Tensor> = {};
    const fetches: Record<string, Tensor> = {};
    this.graph.cache.forEach(({ past, present }, i) => {
      feeds[past] = this.tensor(this.current[i]!, this.length);
      fetches[present] = this.tensor(this.next[i]!, this.length + added);
    });
    return { feeds, fetches };
  }

  /** After a step has run: the presents become the past. */
  advance(added: number): void {
    [this.current, this.next] = [this.next, this.current];
    this.length += added;
  }

  /** Drops finished rows (keep: the rows that stay, ascending) by moving the others down; rows stay contiguous. */
  keepRows(keep: number[]): void {
    const rowSize = this.graph.kvHeads * this.length * this.graph.headDim;
    for (const buffer of this.current) {
      keep.forEach((from, to) => {
        if (from !== to) buffer.copyWithin(to * rowSize, from * rowSize, (from + 1) * rowSize);
      });
    }
    this.rows = keep.length;
  }
}
