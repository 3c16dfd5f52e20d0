import os from 'node:os';
import type { InferenceSession } from 'onnxruntime-node';

export interface CpuSessionSettings {
  /** Threads for one operator; default: the machine's cores. */
  threads?: number;
  /**
   * Whether idle worker threads busy-wait for the next operator. Faster on a machine of its own, but it takes
   * cores from everything else, so it is off unless asked for.
   */
  spinning?: boolean;
}

/** Session options for CPU generation: one operator at a time on all cores, the whole graph optimised. */
export function cpuSessionOptions({ threads, spinning = false }: CpuSessionSettings = {}): InferenceSession.SessionOptions {
  const spin = spinning ? '1' : '0';
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads ?? os.availableParallelism(),
    interOpNumThreads: 1,
    // A decoder graph is a chain: running branches in parallel only adds scheduling.
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
}
