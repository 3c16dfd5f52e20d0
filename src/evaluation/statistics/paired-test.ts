import { mean } from '../../activities/evaluation/metrics';
import { bootstrapInterval, checkedOptions, checkValues, type BootstrapOptions, type Interval } from './bootstrap';
import { seededRandom } from './seeded-random';

/** An arm against the base model on the same examples. */
export interface PairedComparison {
  /** Mean of (arm − base) over the examples, with its paired bootstrap interval. */
  difference: Interval;
  /** Two-sided p-value of the sign-flip permutation test: the chance of a mean difference this far from 0 if the arms were exchangeable. */
  pValue: number;
  /** `exact` enumerates every sign pattern (small n); `monte-carlo` draws `resamples` of them. */
  method: 'exact' | 'monte-carlo';
  examples: number;
}

/**
 * Paired comparison of per-example scores of an arm and the base model on the same examples, in the same
 * order. Interval: paired bootstrap (resampling examples, keeping each pair together) of the mean
 * difference. p-value: sign-flip permutation test on the differences d_i: under the null hypothesis each d_i
 * is as likely to be -d_i, so p = share of sign patterns s with |Σ s_i·d_i| >= |Σ d_i|. When 2^n is at most
 * `resamples` every pattern is enumerated (an exact p-value); otherwise `resamples` random patterns are drawn
 * and p = (1 + hits) / (1 + resamples), which is never 0 (Phipson and Smyth, 2010). Seeded: the same inputs
 * and seed give the same result.
 */
export function pairedTest(arm: readonly number[], base: readonly number[], options: BootstrapOptions = {}): PairedComparison {
  const { resamples, seed, level } = checkedOptions(options);
  checkValues(arm, 'paired test (arm)');
  checkValues(base, 'paired test (base model)');
  if (arm.length !== base.length) {
    throw new Error(`paired test: the arm has ${arm.length} scores and the base model ${base.length}; both must score the same examples`);
  }
  const differences = arm.map((a, i) => a - base[i]);
  const difference = bootstrapInterval(differences, mean, { resamples, seed, level });
  const n = differences.length;
  const observed = Math.abs(sum(differences));
  // Sums of the same numbers in another order differ in the last bits; a pattern within that noise is as extreme.
  const tolerance = 1e-9 * Math.max(1, sum(differences.map(Math.abs)));
  const atLeastAsExtreme = (s: number) => Math.abs(s) >= observed - tolerance;

  if (2 ** n <= resamples) {
    let hits = 0;
    for (let mask = 0; mask < 2 ** n; mask++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += mask & (1 << i) ? -differences[i] : differences[i];
      if (atLeastAsExtreme(s)) hits += 1;
    }
    return { difference, pValue: hits / 2 ** n, method: 'exact', examples: n };
  }
  // A stream of its own, so the p-value does not depend on how many draws the bootstrap used.
  const random = seededRandom(seed + 1);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += random.nextUint32() & 1 ? -differences[i] : differences[i];
    if (atLeastAsExtreme(s)) hits += 1;
  }
  return { difference, pValue: (1 + hits) / (1 + resamples), method: 'monte-carlo', examples: n };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
