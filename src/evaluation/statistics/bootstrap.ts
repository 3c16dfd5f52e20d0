import { mean, percentile } from '../../activities/evaluation/metrics';
import { seededRandom } from './seeded-random';

/** A point estimate with its confidence interval. */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
}

export interface BootstrapOptions {
  /** Number of bootstrap resamples. */
  resamples?: number;
  seed?: number;
  level?: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_SEED = 42;
export const DEFAULT_LEVEL = 0.95;

/**
 * Percentile bootstrap (Efron): the statistic on `resamples` samples drawn with replacement from the values,
 * the interval between the (1 - level)/2 and (1 + level)/2 quantiles of those statistics (linear
 * interpolation, as numpy and `percentile`). The estimate is the statistic on the values themselves.
 * The same seed gives the same interval.
 */
export function bootstrapInterval(values: readonly number[], statistic: (sample: number[]) => number, options: BootstrapOptions = {}): Interval {
  const { resamples, seed, level } = checkedOptions(options);
  checkValues(values, 'bootstrap');
  const random = seededRandom(seed);
  const n = values.length;
  const sample = new Array<number>(n);
  const stats = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) sample[i] = values[random.nextInt(n)];
    stats[b] = statistic(sample);
  }
  const tail = (1 - level) / 2;
  return { estimate: statistic([...values]), lower: percentile(stats, tail), upper: percentile(stats, 1 - tail), level };
}

/** Bootstrap interval of the mean of per-example scores (accuracy, token F1, …). */
export function meanInterval(values: readonly number[], options: BootstrapOptions = {}): Interval {
  return bootstrapInterval(values, mean, options);
}

/** Bootstrap interval of a percentile, e.g. q = 0.95 for p95 latency. */
export function percentileInterval(values: readonly number[], q: number, options: BootstrapOptions = {}): Interval {
  if (!(q >= 0 && q <= 1)) throw new Error(`percentile must be between 0 and 1, got ${q}`);
  return bootstrapInterval(values, (sample) => percentile(sample, q), options);
}

/** p50 and p95 of response times in seconds, each with its interval. */
export function latencyIntervals(latencies: readonly number[], options: BootstrapOptions = {}): { p50: Interval; p95: Interval } {
  return { p50: percentileInterval(latencies, 0.5, options), p95: percentileInterval(latencies, 0.95, options) };
}

export function checkedOptions({ resamples = DEFAULT_RESAMPLES, seed = DEFAULT_SEED, level = DEFAULT_LEVEL }: BootstrapOptions) {
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bootstrap resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`confidence level must be between 0 and 1 (e.g. 0.95), got ${level}`);
  return { resamples, seed, level };
}

export function checkValues(values: readonly number[], what: string): void {
  if (values.length === 0) throw new Error(`${what}: no values (the evaluation scored no examples)`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad !== -1) throw new Error(`${what}: value ${bad} is ${values[bad]}, expected a finite number`);
}
