import { normalizeAnswer } from './exact-match';
import { tokenize } from './tokenize';

/**
 * The label a model's answer names, for classification-style tasks. Compared in exact match's normal form
 * (case, width, punctuation ignored). An answer that is exactly one of the labels names it; otherwise the
 * one label whose tokens occur as a contiguous run in the answer ("Category: billing."). No label, or more
 * than one, is null: an answer that hedges between labels has not chosen one.
 */
export function predictedLabel(prediction: string, labels: readonly string[]): string | null {
  const answer = normalizeAnswer(prediction);
  const exact = labels.find((label) => normalizeAnswer(label) === answer);
  if (exact !== undefined) return exact;
  const answerTokens = tokenize(prediction);
  const named = labels.filter((label) => containsRun(answerTokens, tokenize(label)));
  return named.length === 1 ? named[0] : null;
}

/**
 * Accuracy of one label prediction: 1 when the answer names the reference label, else 0. Without a label
 * set the whole normalised answer must equal the reference (exact match).
 */
export function labelAccuracy(prediction: string, reference: string, labels?: readonly string[]): number {
  if (!labels) return normalizeAnswer(prediction) === normalizeAnswer(reference) ? 1 : 0;
  if (labels.length === 0) throw new Error('label accuracy: the label set is empty; list the labels or leave the set out');
  const label = predictedLabel(prediction, labels);
  return label !== null && normalizeAnswer(label) === normalizeAnswer(reference) ? 1 : 0;
}

function containsRun(tokens: readonly string[], run: readonly string[]): boolean {
  if (run.length === 0) return false;
  for (let i = 0; i + run.length <= tokens.length; i++) {
    if (run.every((t, j) => tokens[i + j] === t)) return true;
  }
  return false;
}
