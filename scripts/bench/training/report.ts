import type { DirectRun } from './direct';
import type { OrchestratedRun, ResumeMeasure } from './orchestrated';

/** The overhead the orchestrated path may add to a training's wall time. */
export const TARGET_RATIO = 1.05;

export interface BenchFigures {
  what: string;
  direct: DirectRun[];
  orchestrated: OrchestratedRun[];
  tokensPerRun: number;
  uploads: number[];
  resume: ResumeMeasure;
  heartbeatTimeout: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The headline figures: median wall times, their ratio, and the direct run's training throughput. */
export function headline(f: BenchFigures): { direct: number; orchestrated: number; ratio: number; tokensPerSecond: number } {
  const direct = median(f.direct.map((r) => r.seconds));
  const orchestrated = median(f.orchestrated.map((r) => r.seconds));
  return { direct, orchestrated, ratio: orchestrated / direct, tokensPerSecond: f.tokensPerRun / median(f.direct.map((r) => r.trainLoopSeconds)) };
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;
const ms = (seconds: number) => `${Math.round(seconds * 1000)} ms`;
const integer = (n: number) => Math.round(n).toLocaleString('en-US');

export function table(f: BenchFigures): string {
  const h = headline(f);
  const runs = f.direct.map((_, i) => `run ${i + 1}`.padStart(10)).join('');
  const row = (label: string, times: number[], med: number) => `${label.padEnd(28)}${times.map((t) => s(t).padStart(10)).join('')}${s(med).padStart(10)}`;
  const bytes = f.direct[0]?.checkpointBytes ?? [];
  const kb = bytes.length ? `${integer(median(bytes) / 1024)} KB` : 'unknown size';
  const r = f.resume;
  const outsideDirect = f.direct.map((x) => x.seconds - x.trainerSeconds);
  const outsideOrchestrated = f.orchestrated.map((x) => x.seconds - x.result.runtimeS);
  const fixedRatio = (h.direct + median(outsideOrchestrated) - median(outsideDirect)) / h.direct;
  return [
    `training benchmark: ${f.what}`,
    '',
    `${''.padEnd(28)}${runs}${'median'.padStart(10)}`,
    row('direct (trainer alone)', f.direct.map((x) => x.seconds), h.direct),
    row('orchestrated (workflow)', f.orchestrated.map((x) => x.seconds), h.orchestrated),
    // The trainer's own run varies with the load on the machine; what lies outside it is the path's fixed cost.
    row('  direct, outside trainer', outsideDirect, median(outsideDirect)),
    row('  orch., outside trainer', outsideOrchestrated, median(outsideOrchestrated)),
    '',
    `overhead ratio (medians)     ${h.ratio.toFixed(3)}   target <= ${TARGET_RATIO.toFixed(2)}: ${h.ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    `  from fixed costs alone     ${fixedRatio.toFixed(3)}   (direct median plus the difference of the "outside trainer" medians)`,
    `training tokens/s (direct)   ${integer(h.tokensPerSecond)}   (${integer(f.tokensPerRun)} tokens over the Trainer's train() time, evaluations and saves included)`,
    `checkpoints per run          ${bytes.length} of ${kb} each; upload to the local store and heartbeat: median ${f.uploads.length ? ms(median(f.uploads)) : '–'}, max ${f.uploads.length ? ms(Math.max(...f.uploads)) : '–'} (training continues meanwhile)`,
    `resume after SIGKILL         ${s(r.seconds)} from the kill to the first new step (heartbeat timeout ${f.heartbeatTimeout})`,
    `  retry started on new host  ${s(r.untilRetryStarted)} after the kill`,
    `  its trainer started        ${s(r.untilTrainerStarted)} after the kill (data and checkpoint downloaded)`,
    `  resumed from step          ${r.checkpointStep}, ${r.stepsRedone} steps made again`,
  ].join('\n');
}

export function resultLine(f: BenchFigures): string {
  const h = headline(f);
  return `RESULT training overhead_ratio=${h.ratio.toFixed(3)} resume_s=${f.resume.seconds.toFixed(1)} tokens_per_s=${Math.round(h.tokensPerSecond)}`;
}
