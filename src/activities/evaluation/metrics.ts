/**
 * Answer-level scores for generated text against a reference. Pure functions: the same numbers on
 * every worker, checked against hand-computed values in the tests.
 */

/** Lower-case words and numbers; punctuation and spacing do not count. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

/** SQuAD-style token F1: the harmonic mean of token precision and recall, counting repeated tokens. */
export function tokenF1(prediction: string, reference: string): number {
  const pred = tokenize(prediction);
  const ref = tokenize(reference);
  if (pred.length === 0 || ref.length === 0) return pred.length === ref.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of ref) counts.set(t, (counts.get(t) ?? 0) + 1);
  let overlap = 0;
  for (const t of pred) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      overlap += 1;
      counts.set(t, c - 1);
    }
  }
  if (overlap === 0) return 0;
  const precision = overlap / pred.length;
  const recall = overlap / ref.length;
  return (2 * precision * recall) / (precision + recall);
}

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
