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
    readonly capacity: number,
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

  get rowCount(): number {
    return this.rows;
  }

  /**
   * The rows of several caches in one, for batches that join: each part's positions are placed at the end of the
   * merged length (`left`: their padding grows at the front) or at its start (`right`: at the back), and the gap is
   * zeros the attention mask hides. `capacity` must hold the merged length plus the steps still to come.
   */
  static merge(graph: DecoderGraph, parts: KvCache[], side: 'left' | 'right', capacity: number): KvCache {
    const length = Math.max(...parts.map((part) => part.length));
    const merged = new KvCache(graph, parts.reduce((n, part) => n + part.rows, 0), capacity);
    merged.length = length;
    const { kvHeads, headDim } = graph;
    merged.current.forEach((dest, i) => {
      let row = 0;
      for (const part of parts) {
        const src = part.current[i]!;
        const span = part.length * headDim;
        const shift = side === 'left' ? (length - part.length) * headDim : 0;
        for (let r = 0; r < part.rows; r++, row++) {
          for (let h = 0; h < kvHeads; h++) {
            const from = (r * kvHeads + h) * span;
            dest.set(src.subarray(from, from + span), (row * kvHeads + h) * length * headDim + shift);
          }
        }
      }
    });
    return merged;
  }

  /**
   * Removes `drop` positions that every row masks, in front (`left`) or at the back (`right`), moving the rest down:
   * without it a batch that never empties, as rows leave and others join, would grow its cache without end.
   */
  trim(drop: number, side: 'left' | 'right'): void {
    const { kvHeads, headDim } = this.graph;
    const kept = (this.length - drop) * headDim;
    for (const buffer of this.current) {
      for (let block = 0; block < this.rows * kvHeads; block++) {
        const from = block * this.length * headDim + (side === 'left' ? drop * headDim : 0);
        buffer.copyWithin(block * kept, from, from + kept);
      }
    }
    this.length -= drop;
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
