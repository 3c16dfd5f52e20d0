import type { LineWriter } from './line-writer';

/** One line of the audit: what happened to one row of input, and why. `line` is 1-based, in the source file. */
export interface AuditLine {
  file: string;
  line: number;
  action: 'dropped' | 'redacted' | 'skipped' | 'flagged';
  reason: string;
  /** The kept record a dropped duplicate repeats, or the expert answer that superseded it. */
  of?: { file: string; line: number };
  /** PII kinds redacted; never the values. */
  kinds?: string[];
  detail?: string;
}

/** How many audit lines of each reason the report quotes; the audit artifact has them all. */
export const SAMPLES_PER_REASON = 5;

/** Writes the audit and keeps the first few lines of each reason for the report. */
export class Audit {
  readonly samples: Record<string, AuditLine[]> = {};
  readonly counts: Record<string, number> = {};

  constructor(private readonly out: LineWriter | null) {}

  async add(entry: AuditLine): Promise<void> {
    const key = `${entry.action}:${entry.reason}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    const samples = (this.samples[key] ??= []);
    if (samples.length < SAMPLES_PER_REASON) samples.push(entry);
    await this.out?.write(JSON.stringify(entry));
  }
}
