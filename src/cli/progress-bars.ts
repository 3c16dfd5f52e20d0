import { Format, MultiBar, Presets, type Options, type Params, type SingleBar } from 'cli-progress';
import type { LiveStatus } from './live-status';
import { describeStep, formatDuration, longSteps, otherActivities, PhaseTrail, phaseLabel, StepRates, type LongStep, type ProgressView } from './progress-steps';

interface BarPayload {
  step: LongStep;
  eta: number | null;
}

const LABEL_WIDTH = 28;

/** `training                     ████░░░░ 40/104 steps 38% | loss 2.755, 210 tokens/s | ETA 3m 10s` */
function renderBar(options: Options, params: Params, payload: BarPayload): string {
  const { step, eta } = payload;
  const label = step.label.padEnd(LABEL_WIDTH);
  const note = step.note ? ` | ${step.note}` : '';
  if (step.total === null) return `${label} ${step.value} ${step.unit}${note}`;
  const percent = Math.floor(params.progress * 100);
  const left = eta === null ? '' : ` | ETA ${formatDuration(eta)}`;
  return `${label} ${Format.BarFormat(params.progress, options)} ${step.value}/${step.total} ${step.unit} ${percent}%${note}${left}`;
}

/**
 * Progress on a terminal: one bar per long step (the data passes, training with its loss and ETA, each evaluation
 * and readiness check), drawn with cli-progress. Phase changes, what other activities are doing, and each step
 * that ends are printed above the bars, so the scrollback keeps the run's story.
 */
export class ProgressBars implements ProgressView {
  private readonly multibar: MultiBar;
  private readonly rates = new StepRates();
  private readonly trail = new PhaseTrail();
  private readonly bars = new Map<string, { bar: SingleBar; step: LongStep; startedAt: number }>();
  private phase: string | null = null;
  private others = '';
  /** The clock of the last reading, so the durations of steps still running at the end are on the same clock. */
  private lastReadingAt = 0;

  constructor(stream: NodeJS.WritableStream) {
    this.multibar = new MultiBar(
      { stream, format: renderBar, barsize: 24, fps: 4, hideCursor: true, clearOnComplete: false, gracefulExit: true, forceRedraw: true },
      Presets.shades_classic,
    );
  }

  update(live: LiveStatus, now = Date.now()): void {
    if (!live.status) return;
    this.lastReadingAt = now;
    const steps = longSteps(live.activities);
    // Steps that ended are told before the phase that followed them.
    const running = new Set(steps.map((s) => s.key));
    for (const key of [...this.bars.keys()]) if (!running.has(key)) this.end(key, now);
    for (const passed of this.trail.unseen(live.status)) this.multibar.log(`${passed}\n`);
    if (live.status.phase !== this.phase) {
      this.phase = live.status.phase;
      this.multibar.log(`${phaseLabel(this.phase)}\n`);
    }
    const others = otherActivities(live.activities).join('; ');
    if (others && others !== this.others) this.multibar.log(`  ${others}\n`);
    this.others = others;

    for (const step of steps) {
      this.rates.observe(step, now);
      const payload: BarPayload = { step, eta: this.rates.secondsLeft(step) };
      const known = this.bars.get(step.key);
      if (!known) {
        this.bars.set(step.key, { bar: this.multibar.create(step.total ?? 0, step.value, payload), step, startedAt: now });
        continue;
      }
      if (step.total !== null && step.total !== known.step.total) known.bar.setTotal(step.total);
      known.bar.update(step.value, payload);
      known.step = step;
    }
  }

  stop(): void {
    for (const key of [...this.bars.keys()]) this.end(key, this.lastReadingAt);
    this.multibar.update(); // flushes the lines logged since the last redraw
    this.multibar.stop();
  }

  /** A step's activity is no longer running: its bar gives way to one line with its last figures and how long it was seen. */
  private end(key: string, now: number): void {
    const ended = this.bars.get(key)!;
    this.bars.delete(key);
    this.rates.forget(key);
    this.multibar.remove(ended.bar);
    this.multibar.log(`  ${describeStep(ended.step, null)}, ended after ${formatDuration((now - ended.startedAt) / 1000)}\n`);
  }
}
