import { CJK_CLASS, normalizeText } from './tokenize';

const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/gu;
// A space next to a Han or kana character separates nothing: Japanese is written without spaces.
const SPACE_BESIDE_CJK = new RegExp(`(?<=[${CJK_CLASS}]) | (?=[${CJK_CLASS}])`, 'gu');

/**
 * An answer in the form exact match compares: NFKC, lower case, punctuation and symbols removed (as SQuAD
 * removes ASCII punctuation, here for every script: 。、「」 too), whitespace runs collapsed to one space,
 * and no space beside Japanese or Chinese characters. Unlike SQuAD, English articles stay: the metric must
 * mean the same in every language.
 */
export function normalizeAnswer(text: string): string {
  return normalizeText(text).replace(PUNCTUATION_OR_SYMBOL, '').replace(/\s+/gu, ' ').trim().replace(SPACE_BESIDE_CJK, '');
}

/** 1 when the normalised prediction equals the normalised reference, else 0. */
export function exactMatch(prediction: string, reference: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(reference) ? 1 : 0;
}
