import type { LiveStatus } from './live-status';
import { describeStep, longSteps, otherActivities, PhaseTrail, phaseLabel, StepRates, type ProgressView } from './progress-steps';

/** Between two lines of the same phase; a phase change is printed at once. */
export const PLAIN_LINE_INTERVAL_MS = 10_000;

/**
 * Progress for a log rather than a terminal (CI, a pipe, a file): one line per change of phase, and otherwise at
 * most one line per interval with every long step's count, ETA and figures; never a line per training step. A phase
 * that passed between two readings gets its line too.
 *
 *   phase 3/6 experiment: training 40/104 steps (38%), loss 2.755, 210 tokens/s, ETA 3m 10s
 */
export class ProgressLines implements ProgressView {
  private readonly rates = new StepRates();
  private readonly trail = new PhaseTrail();
  private phase: string | null = null;
  private lastLine = '';
  private lastPrintedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly intervalMs = PLAIN_LINE_INTERVAL_MS,
  ) {}

  update(live: LiveStatus, now = Date.now()): void {
    if (!live.status) return;
    for (const passed of this.trail.unseen(live.status)) this.out.write(`${passed}\n`);
    const steps = longSteps(live.activities);
    for (const step of steps) this.rates.observe(step, now);
    const details = [...steps.map((s) => describeStep(s, this.rates.secondsLeft(s))), ...otherActivities(live.activities)];
    const line = `${phaseLabel(live.status.phase)}${details.length ? `: ${details.join('; ')}` : ''}`;
    const phaseChanged = live.status.phase !== this.phase;
    if (line === this.lastLine || (!phaseChanged && now - this.lastPrintedAt < this.intervalMs)) return;
    this.out.write(`${line}\n`);
    this.phase = live.status.phase;
    this.lastLine = line;
    this.lastPrintedAt = now;
  }

  stop(): void {}
}
