/**
 * Summary statistics and the house-style rule of evaluation and monitoring. Pure functions: the same numbers
 * on every worker, checked against hand-computed values in the tests. The answer scores (token F1, ROUGE-L,
 * chrF, exact match) are in `src/evaluation/metrics`.
 */

/** Linear interpolation between closest ranks (the same as numpy's default). */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export interface StyleRules {
  max_words: number;
  forbidden_phrases: string[];
}

/** Whether an answer follows the house style: non-empty, not too long, none of the forbidden phrases. */
export function followsStyle(answer: string, rules: StyleRules): { ok: boolean; reason?: string } {
  const words = answer.trim().split(/\s+/).filter(Boolean).length;
  if (words === 0) return { ok: false, reason: 'empty answer' };
  if (words > rules.max_words) return { ok: false, reason: `${words} words > ${rules.max_words}` };
  const lower = answer.toLowerCase();
  const phrase = rules.forbidden_phrases.find((p) => lower.includes(p.toLowerCase()));
  if (phrase) return { ok: false, reason: `contains "${phrase}"` };
  return { ok: true };
}

export function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
