import { Script, scriptOf, isWhitespace } from './script';

/**
 * Japanese has no spaces between words. Morphological analysers (MeCab with IPADIC) split support text into
 * words of 2 to 3 characters on average, and a Japanese translation runs about 2 to 2.5 characters per English
 * word, so 2.5 characters make a word: a limit written in words applies about equally to both languages.
 */
export const JAPANESE_CHARACTERS_PER_WORD = 2.5;

/**
 * Words in a text: space-separated runs that hold a letter or digit, plus Japanese characters (kana, kanji)
 * divided by 2.5 and rounded. Mixed text counts both parts: "iPhoneの画面" is 1 word + 3 characters / 2.5.
 */
export function countWords(text: string): number {
  let words = 0;
  let japanese = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const script = scriptOf(code);
    if (script === Script.Kana || script === Script.Ideograph) {
      japanese++;
      inWord = false;
    } else if (script === Script.Latin || script === Script.Digit || script === Script.Other) {
      if (!inWord) words++;
      inWord = true;
    } else if (isWhitespace(code) || script === Script.CjkMark) {
      inWord = false;
    }
    // Other punctuation neither starts nor ends a word: "don't", "3-5", "e-mail" are one word each.
  }
  return words + Math.round(japanese / JAPANESE_CHARACTERS_PER_WORD);
}
