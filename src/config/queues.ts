import type { TaskQueues } from '../pipeline/types';

/**
 * Task queue names, versioned so that a change of activity signatures can be rolled out on new queues
 * while old runs drain. Override with TEMPERED_QUEUE_CONTROL / _CPU / _GPU.
 */
export function taskQueues(env: NodeJS.ProcessEnv = process.env): TaskQueues {
  return {
    control: env.TEMPERED_QUEUE_CONTROL ?? 'tempered-control-v1',
    cpu: env.TEMPERED_QUEUE_CPU ?? 'tempered-cpu-v1',
    gpu: env.TEMPERED_QUEUE_GPU ?? 'tempered-gpu-v1',
  };
}

/** How many tasks of each kind one worker process runs at once. One training per GPU unless told otherwise. */
export function workerConcurrency(env: NodeJS.ProcessEnv = process.env): Record<keyof TaskQueues, number> {
  return {
    control: positiveInt(env.TEMPERED_CONTROL_CONCURRENCY, 20, 'TEMPERED_CONTROL_CONCURRENCY'),
    cpu: positiveInt(env.TEMPERED_CPU_CONCURRENCY, 2, 'TEMPERED_CPU_CONCURRENCY'),
    gpu: positiveInt(env.TEMPERED_GPU_SLOTS, 1, 'TEMPERED_GPU_SLOTS'),
  };
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}
