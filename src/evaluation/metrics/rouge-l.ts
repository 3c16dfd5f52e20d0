import { f1OfCounts } from './token-f1';
import { tokenize } from './tokenize';

/**
 * ROUGE-L F-measure (Lin, 2004) with beta = 1, as Google's `rouge-score` package reports `rougeL.fmeasure`:
 * precision = LCS / predicted tokens, recall = LCS / reference tokens, F = 2PR / (P + R), where LCS is the
 * length of the longest common subsequence of the two token lists (order matters, gaps are allowed).
 * Tokens are those of token F1 (characters for Japanese and Chinese). Two empty answers score 1 here, as in
 * token F1 (`rouge-score` gives 0), so that every metric treats that case alike.
 */
export function rougeL(prediction: string, reference: string): number {
  return f1OfCounts(tokenize(prediction), tokenize(reference), longestCommonSubsequence);
}

/** Length of the longest common subsequence, by dynamic programming over two rows: O(|a|·|b|) time, O(|b|) memory. */
export function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}
