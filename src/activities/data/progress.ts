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

  /** `pass` names the step in the heartbeat: the data phase reads its sources twice. */
  constructor(
    private readonly pass: 'analysing' | 'writing',
    private readonly every = 2000,
  ) {}

  recordAdded(): void {
    this.records += 1;
    if (this.records % this.every === 0) this.beat();
  }

  /** Heartbeats now, before a step that reads no records (the SDK throttles heartbeats, so this is cheap). */
  beat(): void {
    this.context?.heartbeat({ pass: this.pass, records: this.records });
  }

  get count(): number {
    return this.records;
  }
}
