/**
 * chrF (Popović, 2015) with sacreBLEU's defaults: character n-grams of orders 1 to 6, beta = 2 (recall
 * weighs twice as much as precision), whitespace removed before the n-grams are taken, case kept, no other
 * normalisation. Characters are Unicode code points, as in Python, so Japanese works without a segmenter.
 *
 * For each order n: precision_n = matching n-grams / predicted n-grams and recall_n = matching n-grams /
 * reference n-grams, where matching counts each n-gram min(predicted count, reference count) times. Precision
 * and recall are averaged over the orders that both texts have n-grams of, then
 * chrF = (1 + beta²)·P·R / (beta²·P + R), or 0 when P + R = 0 (also when a text is empty).
 * The result is sacreBLEU's sentence chrF divided by 100, in [0, 1] like the other metrics.
 */
export interface ChrfOptions {
  /** Highest character n-gram order. */
  order?: number;
  beta?: number;
}

/** Per order n = 1..order: [predicted n-grams, reference n-grams, matching n-grams]. */
export type ChrfStatistics = [number, number, number][];

export function chrf(prediction: string, reference: string, options: ChrfOptions = {}): number {
  return chrfFromStatistics(chrfStatistics(prediction, reference, options), options);
}

/** The n-gram counts chrF is computed from; counts of several sentences add up to sacreBLEU's corpus chrF. */
export function chrfStatistics(prediction: string, reference: string, { order = 6 }: ChrfOptions = {}): ChrfStatistics {
  if (!Number.isInteger(order) || order < 1) throw new Error(`chrF order must be a positive integer, got ${order}`);
  const pred = Array.from(prediction.replace(/\s+/gu, ''));
  const ref = Array.from(reference.replace(/\s+/gu, ''));
  const stats: ChrfStatistics = [];
  for (let n = 1; n <= order; n++) {
    const predCounts = ngramCounts(pred, n);
    const refCounts = ngramCounts(ref, n);
    let matching = 0;
    for (const [gram, count] of predCounts) matching += Math.min(count, refCounts.get(gram) ?? 0);
    stats.push([Math.max(pred.length - n + 1, 0), Math.max(ref.length - n + 1, 0), matching]);
  }
  return stats;
}

export function chrfFromStatistics(stats: ChrfStatistics, { beta = 2 }: ChrfOptions = {}): number {
  if (!(beta > 0)) throw new Error(`chrF beta must be positive, got ${beta}`);
  let precision = 0;
  let recall = 0;
  let effectiveOrder = 0;
  for (const [predicted, referenced, matching] of stats) {
    if (predicted > 0 && referenced > 0) {
      precision += matching / predicted;
      recall += matching / referenced;
      effectiveOrder += 1;
    }
  }
  if (effectiveOrder === 0) return 0;
  precision /= effectiveOrder;
  recall /= effectiveOrder;
  if (precision + recall === 0) return 0;
  const b2 = beta * beta;
  return ((1 + b2) * precision * recall) / (b2 * precision + recall);
}

/** Adds the statistics of several sentences, for corpus-level chrF. */
export function addChrfStatistics(all: readonly ChrfStatistics[]): ChrfStatistics {
  if (all.length === 0) throw new Error('corpus chrF needs at least one sentence');
  return all[0].map((_, i) => [0, 1, 2].map((j) => all.reduce((sum, s) => sum + s[i][j], 0)) as [number, number, number]);
}

function ngramCounts(chars: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= chars.length; i++) {
    const gram = chars.slice(i, i + n).join('');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}
