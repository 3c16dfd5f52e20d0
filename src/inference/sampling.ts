/** Choosing the next token from one row of logits: greedy, or seeded temperature / top-p sampling. */

export function argmax(logits: Float32Array): number {
  let best = 0;
  let bestValue = logits[0]!;
  for (let i = 1; i < logits.length; i++) {
    if (logits[i]! > bestValue) {
      bestValue = logits[i]!;
      best = i;
    }
  }
  return best;
}

export interface SamplingParams {
  temperature: number;
  topP: number;
  random: () => number;
}

/**
 * Samples from softmax(logits / temperature), restricted to the nucleus: the smallest set of most likely tokens
 * whose probabilities reach topP.
 */
export function sampleToken(logits: Float32Array, { temperature, topP, random }: SamplingParams): number {
  const max = logits[argmax(logits)]!;
  const weights = new Float64Array(logits.length);
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const w = Math.exp((logits[i]! - max) / temperature);
    weights[i] = w;
    total += w;
  }
  const candidates = nucleus(weights, total, topP);
  let mass = 0;
  for (const i of candidates) mass += weights[i]!;
  let r = random() * mass;
  for (const i of candidates) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return candidates[candidates.length - 1]!;
}

/**
 * Token ids of the nucleus, most likely first. Sorting the whole vocabulary every step is slow, so only the tokens
 * above a threshold are sorted; the threshold is lowered until those tokens already hold topP of the mass, and then
 * the nucleus lies among them.
 */
function nucleus(weights: Float64Array, total: number, topP: number): number[] {
  if (topP >= 1) return Array.from(weights.keys());
  const target = topP * total;
  // The largest weight is exp(0) = 1.
  for (let threshold = 1 / 16; ; threshold /= 16) {
    const above: number[] = [];
    let mass = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i]! >= threshold) {
        above.push(i);
        mass += weights[i]!;
      }
    }
    if (mass >= target || threshold === 0) {
      above.sort((a, b) => weights[b]! - weights[a]! || a - b);
      const kept: number[] = [];
      let cumulative = 0;
      for (const i of above) {
        kept.push(i);
        cumulative += weights[i]!;
        if (cumulative >= target) break;
      }
      return kept;
    }
    if (threshold < 1e-300) threshold = 0;
  }
}
