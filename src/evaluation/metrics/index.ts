import { chrf } from './chrf';
import { exactMatch } from './exact-match';
import { rougeL } from './rouge-l';
import { tokenF1 } from './token-f1';

export { chrf, chrfFromStatistics, chrfStatistics, addChrfStatistics } from './chrf';
export type { ChrfOptions, ChrfStatistics } from './chrf';
export { exactMatch, normalizeAnswer } from './exact-match';
export { checkFormat, type AnswerFormat } from './format-validity';
export { labelAccuracy, predictedLabel } from './label-accuracy';
export { longestCommonSubsequence, rougeL } from './rouge-l';
export { tokenF1 } from './token-f1';
export { normalizeText, searchTerms, tokenize } from './tokenize';

/** The reference-based scores of one generated answer, each in [0, 1]. */
export interface AnswerScores {
  exact_match: number;
  token_f1: number;
  rouge_l: number;
  chrf: number;
}

export function scoreAnswer(prediction: string, reference: string): AnswerScores {
  return {
    exact_match: exactMatch(prediction, reference),
    token_f1: tokenF1(prediction, reference),
    rouge_l: rougeL(prediction, reference),
    chrf: chrf(prediction, reference),
  };
}
