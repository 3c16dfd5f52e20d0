/**
 * The population stability index of an observed distribution against a reference one, over the same bins:
 * sum of (observed - expected) * ln(observed / expected) over the bins' shares. The usual reading: below 0.1 no
 * shift, 0.1 to 0.25 a moderate one, above 0.25 a significant one.
 *
 * Each bin gets half a count more on both sides (Jeffreys smoothing) so an empty bin does not make the index
 * infinite, and a small window's noise stays small: the same distribution gives an index near 0.
 */
export function populationStabilityIndex(expected: readonly number[], observed: readonly number[]): number {
  if (expected.length !== observed.length) throw new Error(`bins differ: ${expected.length} expected, ${observed.length} observed`);
  const bins = expected.length;
  const expectedTotal = sum(expected) + bins / 2;
  const observedTotal = sum(observed) + bins / 2;
  let index = 0;
  for (let i = 0; i < bins; i++) {
    const e = (expected[i]! + 0.5) / expectedTotal;
    const o = (observed[i]! + 0.5) / observedTotal;
    index += (o - e) * Math.log(o / e);
  }
  return index;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
