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
  // The data phase counts each answer twice in a row (the word limit, then length outliers): the second is free.
  if (text === lastCounted) return lastCount;
  lastCounted = text;
  lastCount = scanWords(text);
  return lastCount;
}

let lastCounted = '';
let lastCount = 0;

function scanWords(text: string): number {
  let words = 0;
  let japanese = 0;
  let inWord = false;
  // Flat, not nested, conditions: the nested form ran several times slower once V8 had seen Japanese strings.
  for (let i = 0; i < text.length; i++) {
    const kind = KIND_BY_CODE[text.charCodeAt(i)];
    if (kind === Kind.Letter && !inWord) words++;
    if (kind !== Kind.Joiner) inWord = kind === Kind.Letter;
    japanese += kind === Kind.Japanese ? 1 : 0;
  }
  return words + Math.round(japanese / JAPANESE_CHARACTERS_PER_WORD);
}

const enum Kind {
  /** Ends a word: whitespace, CJK punctuation. */
  Separator,
  /** Letters and digits of space-separated scripts. */
  Letter,
  /** Kana and kanji, counted one by one. */
  Japanese,
  /** Other punctuation neither starts nor ends a word: "don't", "3-5", "e-mail" are one word each. */
  Joiner,
}

const KIND_BY_CODE = new Uint8Array(0x10000);
for (let code = 0; code < KIND_BY_CODE.length; code++) KIND_BY_CODE[code] = kindOf(code);

function kindOf(code: number): Kind {
  const script = scriptOf(code);
  if (script === Script.Latin || script === Script.Digit || script === Script.Other) return Kind.Letter;
  if (script === Script.Kana || script === Script.Ideograph) return Kind.Japanese;
  return isWhitespace(code) || script === Script.CjkMark ? Kind.Separator : Kind.Joiner;
}
