/**
 * The one tokeniser of the answer metrics and of retrieval. Text is NFKC-normalised first (full-width
 * letters and digits become ASCII, the ideographic space a space), then lower-cased.
 *
 * Words of spaced scripts are runs of letters and digits, with an apostrophe contraction kept whole
 * (`aren't`), as in `src/activities/evaluation/metrics.ts`. Japanese and Chinese are written without spaces
 * between words, so a run of Han or kana is split further: into single characters for the answer metrics
 * (no segmenter needed, and a partly right answer still earns partial credit) and into character bigrams for
 * retrieval (the usual CJK search unit: bigrams carry more meaning than single characters).
 */

/** Han and kana, by script extension so that the marks inside Japanese words (々, ー) count too. */
export const CJK_CLASS = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}`;

// A CJK run (letters and digits only: the script extensions also cover 、。「」), or a word of other letters.
const WORD = new RegExp(
  String.raw`(?:(?=[\p{L}\p{N}])[${CJK_CLASS}])+|(?:(?![${CJK_CLASS}])[\p{L}\p{N}])+(?:['’](?:(?![${CJK_CLASS}])\p{L})+)?`,
  'gu',
);
const CJK_START = new RegExp(`^[${CJK_CLASS}]`, 'u');

export function normalizeText(text: string): string {
  // NFKC before lower-casing: NFKC can produce capitals (full-width Ａ becomes A).
  return text.normalize('NFKC').toLowerCase();
}

/** Words of spaced scripts and CJK runs, in order. */
function words(text: string): { word: string; cjk: boolean }[] {
  return (normalizeText(text).match(WORD) ?? []).map((word) => ({ word, cjk: CJK_START.test(word) }));
}

/** Tokens for the answer metrics: words, and single characters of Japanese and Chinese. */
export function tokenize(text: string): string[] {
  return words(text).flatMap(({ word, cjk }) => (cjk ? Array.from(word) : [word]));
}

/** Terms for retrieval: words, and character bigrams of Japanese and Chinese (a lone character stays as is). */
export function searchTerms(text: string): string[] {
  return words(text).flatMap(({ word, cjk }) => {
    if (!cjk) return [word];
    const chars = Array.from(word);
    if (chars.length === 1) return chars;
    return chars.slice(1).map((c, i) => chars[i] + c);
  });
}
