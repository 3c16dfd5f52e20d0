/**
 * Collects work from concurrent callers and runs it in batches, one batch at a time: what arrives while a batch
 * runs waits for the next one. Each item settles with its own result or with its batch's error.
 */
export class BatchQueue<In, Out> {
  private pending: { item: In; resolve: (out: Out) => void; reject: (err: unknown) => void }[] = [];
  private running = false;
  private draining: Promise<void> = Promise.resolve();
  private closedWith: Error | null = null;

  constructor(
    private readonly runBatch: (items: In[]) => Promise<Out[]>,
    private readonly maxBatch: number,
  ) {
    if (!(maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1, got ${maxBatch}`);
  }

  push(items: In[]): Promise<Out[]> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const results = items.map((item) => new Promise<Out>((resolve, reject) => this.pending.push({ item, resolve, reject })));
    if (!this.running) {
      this.running = true;
      // Started on the next turn of the event loop, so requests from callers that start together share a batch.
      this.draining = new Promise((done) => setImmediate(() => void this.drain().finally(done)));
    }
    return Promise.all(results);
  }

  /** Fails everything still waiting, and anything pushed later; resolves once the running batch has ended. */
  async close(reason: Error): Promise<void> {
    this.closedWith = reason;
    for (const waiting of this.pending.splice(0)) waiting.reject(reason);
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatch);
        try {
          const outs = await this.runBatch(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(outs[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
