import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PipelineSpec } from '../../../spec/schema';
import { BatchWork, type BatchRequest, type BatchResult } from './tasks';
import type { WorkerRequest } from './worker';

interface Pending {
  resolve: (result: BatchResult<BatchRequest['kind']>) => void;
  reject: (error: unknown) => void;
}

interface PooledWorker {
  thread: Worker;
  pending: Map<number, Pending>;
}

/**
 * Runs the batches of the data phase on worker threads, each batch on the least busy one; results come back as
 * promises, which the caller awaits in submission order. The first batch of a pass runs on the calling thread, at
 * once, until threads have started: an input of one batch (most tests, small checks) never pays for starting threads. `close` ends the threads; a run
 * must call it whatever happens, or the process would wait for them.
 */
export class BatchPool {
  /** The calling thread's BatchWork, for the first batch and for records read on this thread. */
  readonly local: BatchWork;
  private workers: PooledWorker[] | null = null;
  private submitted = 0;
  private passBatches = 0;
  private failure: unknown = null;

  constructor(
    private readonly data: PipelineSpec['data'],
    private readonly threads: number,
  ) {
    this.local = new BatchWork(data);
  }

  run<K extends BatchRequest['kind']>(request: BatchRequest & { kind: K }): Promise<BatchResult<K>> {
    this.submitted++;
    if (this.threads === 0 || (this.workers === null && this.passBatches++ === 0)) {
      try {
        return Promise.resolve(this.local.run(request) as BatchResult<K>);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.failure) return Promise.reject(this.failure);
    const workers = (this.workers ??= Array.from({ length: this.threads }, () => this.start()));
    const worker = workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.submitted;
    return new Promise<BatchResult<K>>((resolve, reject) => {
      worker.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      worker.thread.postMessage({ id, request } satisfies WorkerRequest, [request.task.bytes.buffer as ArrayBuffer]);
    });
  }

  /** A pass over the input begins: its first batch, if no thread has started yet, runs on this thread. */
  beginPass(): void {
    this.passBatches = 0;
  }

  async close(): Promise<void> {
    const workers = this.workers ?? [];
    this.workers = null;
    // Batches still running belong to a run that is over (it failed): nobody awaits them any more.
    for (const worker of workers) worker.pending.clear();
    await Promise.all(workers.map((w) => w.thread.terminate()));
  }

  private start(): PooledWorker {
    const worker: PooledWorker = { thread: new Worker(path.join(__dirname, 'worker.js'), { workerData: { data: this.data } }), pending: new Map() };
    const failAll = (error: unknown) => {
      this.failure ??= error;
      for (const { reject } of worker.pending.values()) reject(error);
      worker.pending.clear();
    };
    worker.thread.on('message', ({ id, notes, result, error }: { id: number; error?: unknown } & BatchResult<BatchRequest['kind']>) => {
      const pending = worker.pending.get(id);
      worker.pending.delete(id);
      if (error !== undefined) pending?.reject(error);
      else pending?.resolve({ notes, result });
    });
    worker.thread.on('error', failAll);
    worker.thread.on('exit', (code) => {
      if (worker.pending.size > 0) failAll(new Error(`a data phase worker thread exited (code ${code}) with batches unfinished`));
    });
    return worker;
  }
}
