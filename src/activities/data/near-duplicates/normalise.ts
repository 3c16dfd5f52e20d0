/**
 * What counts as "the same text" for deduplication: Unicode NFKC (full-width Ｈｅｌｌｏ and ０９０ become Hello and
 * 090, half-width ｶﾀｶﾅ becomes カタカナ), lower case, punctuation and symbols dropped, whitespace collapsed.
 * Text is cut into tokens: a word is a run of letters and digits in a script that separates words with spaces;
 * in scripts that do not (Japanese kana and kanji, Chinese, Thai, Lao, Khmer, Myanmar) every character is a token.
 */

/** Between tokens: whitespace, punctuation, symbols, controls. */
export const SEPARATOR = 0;
/** Part of a word (letters, digits and combining marks of space-separated scripts). */
export const WORD = 1;
/** A token on its own: a character of a script written without spaces between words. */
export const UNSPACED = 2;
/** First half of a surrogate pair: classified with the code point it starts (see `astralClass`). */
export const HIGH_SURROGATE = 3;
/** Invisible inside a word: apostrophes (don't = dont) and format characters (zero-width space, soft hyphen). */
export const IGNORED = 4;

/** In the fold table: this unit cannot be folded on its own; the whole text needs `foldUnicode`. */
export const NEEDS_FULL_FOLD = 0xffff;

let classes: Uint8Array | undefined;
let folds: Uint16Array | undefined;

/** The class of every UTF-16 code unit, built on first use from Unicode properties. */
export function charClasses(): Uint8Array {
  return (classes ??= buildCharClasses());
}

/**
 * Every UTF-16 unit's NFKC lower-case form when that is a single unit that cannot interact with its neighbours
 * (so folding unit by unit equals folding the text), else NEEDS_FULL_FOLD: combining marks and what composes with
 * them, multi-unit expansions (㈱), surrogates, and Σ (its lower case depends on the position in the word).
 * Most texts, ASCII or Japanese, fold through this table in the same pass that hashes them, with no string copy.
 */
export function foldTable(): Uint16Array {
  return (folds ??= buildFoldTable());
}

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) table[c] = c <= 0xdbff ? HIGH_SURROGATE : SEPARATOR;
    else if (c < 0x80) table[c] = /[0-9A-Za-z]/.test(String.fromCharCode(c)) ? WORD : SEPARATOR;
    else table[c] = classOf(String.fromCharCode(c));
  }
  for (const apostrophe of [0x27, 0x2018, 0x2019, 0x02bc]) table[apostrophe] = IGNORED;
  return table;
}

const MARK = /\p{M}/u;
const CONJOINING_JAMO = /[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]/;

function buildFoldTable(): Uint16Array {
  const table = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const character = String.fromCharCode(c);
    const folded = c >= 0xd800 && c <= 0xdfff ? '' : foldUnicode(character);
    const standsAlone = folded.length === 1 && !MARK.test(character) && !MARK.test(folded) && !CONJOINING_JAMO.test(character);
    table[c] = standsAlone && c !== 0x03a3 ? folded.charCodeAt(0) : NEEDS_FULL_FOLD;
  }
  return table;
}

const PUNCTUATION_OR_SYMBOL = /[\p{P}\p{S}]/u;
const UNSPACED_SCRIPT = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/u;
const FORMAT = /\p{Cf}/u;

function classOf(character: string): number {
  if (PUNCTUATION_OR_SYMBOL.test(character)) return SEPARATOR;
  if (UNSPACED_SCRIPT.test(character)) return UNSPACED;
  if (WORD_CHARACTER.test(character)) return WORD;
  return FORMAT.test(character) ? IGNORED : SEPARATOR;
}

/** Class of a code point beyond the BMP: rare CJK ideographs, other letters and digits, or emoji and symbols. */
export function astralClass(codePoint: number): number {
  if (codePoint >= 0x20000 && codePoint < 0x40000) return UNSPACED;
  return classOf(String.fromCodePoint(codePoint));
}

/** The whole-text fold: NFKC, then lower case. */
export function foldUnicode(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * The normalised text: tokens in order, one space between two tokens unless both are unspaced-script characters
 * (so "iPhone 15の画面" and "iphone 15 の 画面" agree, and Japanese keeps no spaces).
 */
export function normaliseForDedup(text: string): string {
  const folded = foldUnicode(text);
  const table = charClasses();
  let out = '';
  let word = '';
  let lastWasUnspaced = false;
  const flushWord = () => {
    if (word === '') return;
    out += out === '' ? word : ` ${word}`;
    word = '';
    lastWasUnspaced = false;
  };
  for (let i = 0; i < folded.length; i++) {
    let kind = table[folded.charCodeAt(i)];
    let character = folded[i];
    if (kind === HIGH_SURROGATE) {
      const codePoint = folded.codePointAt(i) ?? 0;
      kind = codePoint > 0xffff ? astralClass(codePoint) : SEPARATOR;
      if (codePoint > 0xffff) {
        character = folded.slice(i, i + 2);
        i++;
      }
    }
    if (kind === WORD) word += character;
    else if (kind === UNSPACED) {
      flushWord();
      out += out === '' || lastWasUnspaced ? character : ` ${character}`;
      lastWasUnspaced = true;
    } else if (kind === SEPARATOR) flushWord();
  }
  flushWord();
  return out;
}
