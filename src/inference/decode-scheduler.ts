import { performance } from 'node:perf_hooks';
import { DecodingBatch, resultOf, type BatchContext, type PreparedRequest, type Row } from './batch-generation';
import type { GenerationResult } from './runtime';

interface Waiting {
  job: PreparedRequest;
  resolve: (result: GenerationResult) => void;
  reject: (err: unknown) => void;
}

/**
 * Continuous batching: one batch is decoded at a time, step by step; between steps, requests that arrived meanwhile
 * have their prompts run and join it (up to `maxBatch` rows), and each request is answered as soon as its own row
 * finishes. A server's concurrent requests thus share every step, instead of waiting for a whole batch to end.
 */
export class DecodeScheduler {
  private waiting: Waiting[] = [];
  private batch: DecodingBatch | null = null;
  private owners = new Map<Row, Waiting>();
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private closedWith: Error | null = null;

  constructor(
    private readonly ctx: BatchContext,
    private readonly maxBatch: number,
  ) {
    if (!(maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1, got ${maxBatch}`);
  }

  push(jobs: PreparedRequest[]): Promise<GenerationResult[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const results = jobs.map((job) => new Promise<GenerationResult>((resolve, reject) => this.waiting.push({ job, resolve, reject })));
    if (!this.running) {
      this.running = true;
      // Started on the next turn of the event loop, so requests from callers that start together share a prefill.
      this.loop = new Promise((done) => setImmediate(() => void this.run().finally(done)));
    }
    return Promise.all(results);
  }

  /** Fails everything waiting or being decoded, and anything pushed later, once the step in progress has ended. */
  async close(reason: Error): Promise<void> {
    this.closedWith = reason;
    for (const waiting of this.waiting.splice(0)) waiting.reject(reason);
    await this.loop;
  }

  private async run(): Promise<void> {
    try {
      while (!this.closedWith && (this.waiting.length > 0 || (this.batch?.rows.length ?? 0) > 0)) {
        const room = this.maxBatch - (this.batch?.rows.length ?? 0);
        if (this.waiting.length > 0 && room > 0) await this.admit(this.waiting.splice(0, room));
        if (this.batch) this.answerFinished(this.batch);
        if (this.batch && this.batch.rows.length > 0) await this.guard(this.batch.rows, () => this.batch!.step());
        if (this.batch) this.answerFinished(this.batch);
      }
    } finally {
      this.running = false;
      if (this.closedWith) for (const row of this.batch?.rows ?? []) this.fail(row, this.closedWith);
      this.batch = this.closedWith ? null : this.batch;
    }
  }

  private async admit(admitted: Waiting[]): Promise<void> {
    let fresh: DecodingBatch;
    try {
      fresh = await DecodingBatch.prefill(
        admitted.map((w) => w.job),
        this.ctx,
      );
    } catch (err) {
      for (const w of admitted) w.reject(err);
      return;
    }
    fresh.rows.forEach((row, i) => this.owners.set(row, admitted[i]!));
    this.answerFinished(fresh);
    if (fresh.rows.length === 0) return;
    if (this.batch && this.batch.rows.length > 0) this.batch.absorb(fresh);
    else this.batch = fresh;
  }

  /** A failed step fails every request of the batch; the scheduler goes on with the ones waiting. */
  private async guard(rows: Row[], step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (err) {
      for (const row of rows) this.fail(row, err);
      this.batch = null;
    }
  }

  /** Answers the rows that ended, and those whose caller went away (with what they have), taking them out of the batch. */
  private answerFinished(batch: DecodingBatch): void {
    for (const row of batch.rows) {
      if (!row.finish && row.job.request.signal?.aborted) {
        row.finish = 'cancelled';
        row.finishedAt = performance.now();
      }
    }
    for (const row of batch.takeFinished()) {
      this.owners.get(row)?.resolve(resultOf(row, this.ctx));
      this.owners.delete(row);
    }
  }

  private fail(row: Row, err: unknown): void {
    this.owners.get(row)?.reject(err);
    this.owners.delete(row);
  }
}
