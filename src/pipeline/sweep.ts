import { seededRandom } from '../seeded-random';
import type { PipelineSpec } from '../spec/schema';
import type { SweepSpec } from '../spec/sweep-schema';

/** The values one trial trains with; the fields a sweep leaves out keep the spec's values. */
export interface TrialParams {
  learning_rate?: number;
  lora_r?: number;
  lora_alpha?: number;
  epochs?: number;
}

type ParamName = keyof TrialParams;
const PARAM_NAMES: readonly ParamName[] = ['learning_rate', 'lora_r', 'lora_alpha', 'epochs'];

/**
 * The trials of a sweep, in the order they are started: every combination of a grid (the last parameter
 * varying fastest), or `trials` draws of a random search seeded by `seed`. Pure and deterministic, so the
 * workflow computes the same list on replay.
 */
export function sweepTrials(sweep: SweepSpec): TrialParams[] {
  const used = PARAM_NAMES.filter((name) => sweep.parameters[name] !== undefined);
  if (sweep.strategy === 'grid') {
    let trials: TrialParams[] = [{}];
    for (const name of used) {
      const values = sweep.parameters[name] as number[];
      trials = trials.flatMap((t) => values.map((v) => ({ ...t, [name]: v })));
    }
    return trials;
  }
  // The sweep's draws depend on its seed alone.
  const random = seededRandom(sweep.seed);
  return Array.from({ length: sweep.trials ?? 0 }, () => {
    const trial: TrialParams = {};
    for (const name of used) {
      const values = sweep.parameters[name]!;
      if (Array.isArray(values)) {
        trial[name] = values[Math.floor(random() * values.length)]!;
      } else {
        // Learning rates matter by order of magnitude: sample the exponent uniformly.
        const [lo, hi] = [Math.log(values.min), Math.log(values.max)];
        trial[name] = roundSignificant(Math.exp(lo + random() * (hi - lo)));
      }
    }
    return trial;
  });
}

/** The spec one trial trains with: the sweep's values applied, the sweep itself removed. */
export function trialSpec(spec: PipelineSpec, params: TrialParams): PipelineSpec {
  const training = { ...spec.training, lora: { ...spec.training.lora } };
  delete training.sweep;
  if (params.learning_rate !== undefined) training.learning_rate = params.learning_rate;
  if (params.epochs !== undefined) training.epochs = params.epochs;
  if (params.lora_r !== undefined) training.lora.r = params.lora_r;
  if (params.lora_alpha !== undefined) training.lora.alpha = params.lora_alpha;
  return { ...spec, training };
}

/** `learning_rate=0.0002 lora_r=8`: how a trial is named in status and summaries. */
export function describeTrial(params: TrialParams): string {
  return PARAM_NAMES.filter((name) => params[name] !== undefined)
    .map((name) => `${name}=${params[name]}`)
    .join(' ');
}

function roundSignificant(x: number): number {
  return Number(x.toPrecision(3));
}
