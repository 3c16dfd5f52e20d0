/** The writing system of one UTF-16 code unit, for language detection, word counts and tokenising. */
export const enum Script {
  /** Spaces, punctuation, symbols, emoji halves, combining marks: no evidence of a language. */
  None,
  Digit,
  /** Latin letters, accented ones included. */
  Latin,
  /** Hiragana and katakana, half-width katakana included: only Japanese writes them. */
  Kana,
  /** CJK ideographs (kanji), plus 々 〆 〇 which behave as kanji. Chinese writes them too. */
  Ideograph,
  /** CJK and full-width punctuation (、。「」！), the ideographic space, full-width letters: typed with a Japanese (or Chinese) IME. */
  CjkMark,
  /** Letters of any other script: Cyrillic, Greek, Hangul, Arabic, Thai, ... */
  Other,
}

/**
 * Every signal looks up each character's script, so the answer for all 65,536 code units is computed once into
 * a 64 KiB table: one load per character instead of a chain of range checks.
 */
const SCRIPT_BY_CODE = new Uint8Array(0x10000);
for (let code = 0; code < SCRIPT_BY_CODE.length; code++) SCRIPT_BY_CODE[code] = classify(code);

/** `code` is a UTF-16 code unit, as charCodeAt returns. */
export function scriptOf(code: number): Script {
  return SCRIPT_BY_CODE[code] as Script;
}

function classify(code: number): Script {
  if (code < 0x80) {
    const lower = code | 0x20;
    if (lower >= 0x61 && lower <= 0x7a) return Script.Latin;
    return code >= 0x30 && code <= 0x39 ? Script.Digit : Script.None;
  }
  if (code < 0x3000) {
    if (code < 0x250) return code >= 0xc0 && code !== 0xd7 && code !== 0xf7 ? Script.Latin : Script.None;
    if (code >= 0x1e00 && code < 0x1f00) return Script.Latin; // Vietnamese and other Latin Extended Additional
    if (code >= 0x300 && code < 0x370) return Script.None; // combining diacritics
    return code < 0x2000 ? Script.Other : Script.None; // 0x2000-0x2fff: punctuation, arrows, shapes such as ○
  }
  if (code < 0x3040) return code >= 0x3005 && code <= 0x3007 ? Script.Ideograph : Script.CjkMark;
  if (code < 0x3100) return Script.Kana;
  if ((code >= 0x4e00 && code < 0xa000) || (code >= 0x3400 && code < 0x4dc0) || (code >= 0xf900 && code < 0xfb00)) return Script.Ideograph;
  if (code >= 0x31f0 && code < 0x3200) return Script.Kana;
  if (code >= 0xff00 && code < 0xfff0) {
    if (code >= 0xff10 && code <= 0xff19) return Script.Digit;
    if (code >= 0xff66 && code <= 0xff9f) return Script.Kana;
    return code <= 0xff60 ? Script.CjkMark : Script.None;
  }
  if ((code >= 0xac00 && code < 0xd7b0) || (code >= 0x3130 && code < 0x3190)) return Script.Other; // Hangul
  return Script.None;
}

export function isWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000 || code === 0x2028 || code === 0x2029;
}
