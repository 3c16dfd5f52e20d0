import { PHASES, type PipelineStatus } from '../pipeline/types';
import { formatActivity } from './format';
import type { ActivityProgress, LiveStatus } from './live-status';

/** What `tempered run --wait` shows while it follows a run: bars on a terminal, plain lines elsewhere. */
export interface ProgressView {
  /** A new reading of the run; `now` in milliseconds (tests pass their own clock). */
  update(live: LiveStatus, now?: number): void;
  /** The run ended: the view leaves the terminal ready for the summary. */
  stop(): void;
}

/** A long step of a run, counted from its activity's heartbeat: the data passes, training, evaluation, readiness. */
export interface LongStep {
  /** One per activity execution and pass: a bar is created, moved and ended by this key. */
  key: string;
  label: string;
  unit: string;
  value: number;
  /** Null while the step does not know how far it will go (the data phase's first pass). */
  total: number | null;
  /** The figures beside the count: training loss, throughput, what the trainer is doing. */
  note: string | null;
}

/** The long steps among the running activities, in the order the server lists them. */
export function longSteps(activities: ActivityProgress[]): LongStep[] {
  const steps: LongStep[] = [];
  for (const a of activities) {
    const d = a.details;
    if (!d) continue;
    const key = a.activityId ?? a.activity;
    switch (a.activity) {
      case 'prepareData':
        if (typeof d.records === 'number') {
          const pass = d.pass === 'writing' ? 'writing' : 'analysing';
          steps.push({ key: `${key}:${pass}`, label: `data ${pass}`, unit: 'records', value: d.records, total: count(d.total), note: null });
        }
        break;
      case 'fineTune':
        if (typeof d.step === 'number') steps.push({ key, label: 'training', unit: 'steps', value: d.step, total: count(d.totalSteps), note: trainingNote(d) });
        break;
      case 'evaluateModel':
        if (typeof d.done === 'number') steps.push({ key, label: 'evaluation', unit: 'samples', value: d.done, total: count(d.total), note: null });
        break;
      case 'checkReadiness':
        if (typeof d.done === 'number' && typeof d.check === 'string') {
          steps.push({ key: `${key}:${d.check}`, label: `readiness ${d.check}`, unit: 'prompts', value: d.done, total: count(d.total), note: null });
        }
        break;
    }
  }
  return steps;
}

/** What the running activities that are not long steps are doing (`export: quantizing onnx`). */
export function otherActivities(activities: ActivityProgress[]): string[] {
  return activities
    .filter((a) => longSteps([a]).length === 0)
    .map(formatActivity)
    .filter((line): line is string => line !== null);
}

function trainingNote(d: Record<string, unknown>): string | null {
  const parts: string[] = [];
  if (typeof d.loss === 'number') parts.push(`loss ${round(d.loss, 3)}`);
  if (typeof d.evalLoss === 'number') parts.push(`eval loss ${round(d.evalLoss, 3)}`);
  if (typeof d.tokensPerS === 'number') parts.push(`${Math.round(d.tokensPerS)} tokens/s`);
  if (typeof d.phase === 'string' && d.phase !== 'training') parts.push(d.phase);
  return parts.length ? parts.join(', ') : null;
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

function round(x: number, digits: number): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

/** `phase 3/6 experiment`: where the run is in the lifecycle. */
export function phaseLabel(phase: string): string {
  const index = (PHASES as readonly string[]).indexOf(phase);
  return index >= 0 ? `phase ${index + 1}/${PHASES.length} ${phase}` : phase;
}

/**
 * The phases a run went through between two readings of its status: a poll every 2 s misses the short ones (the
 * planning, a tiny model's evaluation), and the run's story should still show them. Each phase is told once.
 */
export class PhaseTrail {
  private told = -1;

  /** Labels of the phases before the current one that ran and were not told yet, in order; the current one counts as told. */
  unseen(status: PipelineStatus): string[] {
    const current = (PHASES as readonly string[]).indexOf(status.phase);
    const upTo = current >= 0 ? current : PHASES.length;
    const labels: string[] = [];
    for (let i = this.told + 1; i < upTo; i++) {
      const state = status.phases?.[i]?.state;
      if (state === 'completed' || state === 'failed' || state === 'running') labels.push(phaseLabel(PHASES[i]!));
    }
    this.told = Math.max(this.told, current >= 0 ? current : upTo - 1);
    return labels;
  }
}

/** Samples older than this no longer weigh in a step's rate, so the ETA follows a run that speeds up or slows down. */
const RATE_WINDOW_MS = 120_000;

/**
 * Each step's rate from the counts seen over the last two minutes, and the time left at that rate. A step resumed
 * part-way (a retried training) is timed from the count it resumed at, not from zero.
 */
export class StepRates {
  private readonly samples = new Map<string, { at: number; value: number }[]>();

  observe(step: LongStep, now: number): void {
    const list = this.samples.get(step.key) ?? [];
    const last = list[list.length - 1];
    if (last && step.value < last.value) list.length = 0; // a retry restarted below the last count
    list.push({ at: now, value: step.value });
    while (list.length > 2 && now - list[0]!.at > RATE_WINDOW_MS) list.shift();
    this.samples.set(step.key, list);
  }

  /** Seconds left, or null before the step has moved twice or when its total is unknown. */
  secondsLeft(step: LongStep): number | null {
    const list = this.samples.get(step.key);
    if (step.total === null || !list || list.length < 2) return null;
    const first = list[0]!;
    const last = list[list.length - 1]!;
    if (last.at <= first.at) return null;
    const perMs = (last.value - first.value) / (last.at - first.at);
    if (!(perMs > 0)) return null;
    return Math.max(0, (step.total - step.value) / perMs / 1000);
  }

  forget(key: string): void {
    this.samples.delete(key);
  }
}

/** `3m 05s`, `1h 02m`, `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** `training 40/104 steps (38%), loss 2.755, ETA 3m 10s`: one step as plain text. */
export function describeStep(step: LongStep, secondsLeft: number | null): string {
  const counted = step.total === null ? `${step.value} ${step.unit}` : `${step.value}/${step.total} ${step.unit} (${Math.floor((100 * step.value) / step.total)}%)`;
  const eta = secondsLeft === null ? '' : `, ETA ${formatDuration(secondsLeft)}`;
  return `${step.label} ${counted}${step.note ? `, ${step.note}` : ''}${eta}`;
}
