import { tokenize } from './tokenize';

/**
 * SQuAD-style token F1: precision = overlap / predicted tokens, recall = overlap / reference tokens,
 * F1 = 2PR / (P + R), where the overlap counts each shared token as often as it occurs in both (multiset
 * intersection). Japanese and Chinese characters are tokens of their own (see `tokenize`). Two empty answers
 * score 1, one empty answer 0, as in SQuAD.
 */
export function tokenF1(prediction: string, reference: string): number {
  return f1OfCounts(tokenize(prediction), tokenize(reference), multisetOverlap);
}

/** The number of tokens two token lists share, counting repeats (the size of the multiset intersection). */
export function multisetOverlap(a: readonly string[], b: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of a) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      overlap += 1;
      counts.set(t, c - 1);
    }
  }
  return overlap;
}

/** F1 of a prediction's and a reference's tokens, for a given way of counting what they share. */
export function f1OfCounts(pred: readonly string[], ref: readonly string[], shared: (pred: readonly string[], ref: readonly string[]) => number): number {
  if (pred.length === 0 || ref.length === 0) return pred.length === ref.length ? 1 : 0;
  const common = shared(pred, ref);
  if (common === 0) return 0;
  const precision = common / pred.length;
  const recall = common / ref.length;
  return (2 * precision * recall) / (precision + recall);
}
