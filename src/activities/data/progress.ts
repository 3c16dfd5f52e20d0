import { Context } from '@temporalio/activity';

/** The activity context when running inside a Temporal activity; undefined when called directly (unit tests, scripts). */
export function currentActivityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Counts records and heartbeats every `every` records, so a worker that dies mid-way is noticed by the
 * heartbeat timeout instead of the (long) start-to-close timeout.
 */
export class Progress {
  private records = 0;
  private readonly context = currentActivityContext();

  /**
   * `pass` names the step in the heartbeat: the data phase reads its sources twice. `total` is the number of records
   * the pass will count when known (the second pass rereads what the first counted), so a progress bar can show it.
   */
  constructor(
    private readonly pass: 'analysing' | 'writing',
    private readonly total: number | null = null,
    private readonly every = 2000,
  ) {}

  recordAdded(): void {
    this.records += 1;
    if (this.records % this.every === 0) this.beat();
  }

  /** Heartbeats now, before a step that reads no records (the SDK throttles heartbeats, so this is cheap). */
  beat(): void {
    this.context?.heartbeat({ pass: this.pass, records: this.records, ...(this.total !== null ? { total: this.total } : {}) });
  }

  get count(): number {
    return this.records;
  }
}
