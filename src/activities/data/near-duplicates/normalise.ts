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

let units: UnitTables | undefined;

/** Per UTF-16 unit, `class << 16 | unit` after folding; one lookup per unit in the hashing loop. */
export interface UnitTables {
  /** The unit as it is (for text already folded as a whole). */
  plain: Int32Array;
  /**
   * The unit's NFKC lower-case form when that is a single unit that cannot interact with its neighbours (so
   * folding unit by unit equals folding the text), else -1: combining marks and what composes with them,
   * multi-unit expansions (㈱), surrogates, and Σ (its lower case depends on the position in the word). Most
   * texts, ASCII or Japanese, fold through this table in the pass that hashes them, without a folded copy.
   */
  folded: Int32Array;
}

/** Built on first use (about 0.1 s): NFKC of every UTF-16 unit. */
export function unitTables(): UnitTables {
  return (units ??= buildUnitTables());
}

/** The class of every UTF-16 unit, from Unicode properties. */
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

function buildUnitTables(): UnitTables {
  const kinds = buildCharClasses();
  const plain = new Int32Array(0x10000);
  const folded = new Int32Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    plain[c] = (kinds[c] << 16) | c;
    const character = String.fromCharCode(c);
    const fold = c >= 0xd800 && c <= 0xdfff ? '' : foldUnicode(character);
    const standsAlone = fold.length === 1 && !MARK.test(character) && !MARK.test(fold) && !CONJOINING_JAMO.test(character);
    folded[c] = standsAlone && c !== 0x03a3 ? (kinds[fold.charCodeAt(0)] << 16) | fold.charCodeAt(0) : -1;
  }
  return { plain, folded };
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

/** A reusable buffer of UTF-16 units, so that normalising a million texts allocates little. */
export class UnitBuffer {
  units = new Uint16Array(1024);
  length = 0;

  reserve(capacity: number): Uint16Array {
    if (this.units.length < capacity) this.units = new Uint16Array(capacity + 1024);
    return this.units;
  }
}

const scratch = new UnitBuffer();

/**
 * The normalised text: tokens in order, one space between two tokens unless both are unspaced-script characters
 * (so "iPhone 15の画面" and "iphone 15 の 画面" agree, and Japanese keeps no spaces).
 */
export function normaliseForDedup(text: string): string {
  writeNormalised(text, scratch);
  let out = '';
  for (let start = 0; start < scratch.length; start += 4096) {
    out += String.fromCharCode(...scratch.units.subarray(start, Math.min(scratch.length, start + 4096)));
  }
  return out;
}

/** Writes the UTF-16 units of `normaliseForDedup(text)` into `into`, without building the string. */
export function writeNormalised(text: string, into: UnitBuffer): void {
  if (!writeFolded(text, true, into)) writeFolded(foldUnicode(text), false, into);
}

/** Same walk as collectFolded in shingles.ts, writing units instead of hashing them. */
function writeFolded(text: string, foldByUnit: boolean, into: UnitBuffer): boolean {
  const table = foldByUnit ? unitTables().folded : unitTables().plain;
  // A space can precede each token: at most twice the input.
  const units = into.reserve(2 * text.length);
  let length = 0;
  let inWord = false;
  let lastWasUnspaced = false;
  for (let i = 0; i < text.length; i++) {
    const entry = table[text.charCodeAt(i)];
    if (entry < 0) return false;
    let kind = entry >>> 16;
    let width = 1;
    if (kind === HIGH_SURROGATE) {
      const codePoint = text.codePointAt(i) ?? 0;
      kind = codePoint > 0xffff ? astralClass(codePoint) : SEPARATOR;
      width = codePoint > 0xffff ? 2 : 1;
    }
    if (kind === WORD) {
      if (!inWord && length > 0) units[length++] = 0x20;
      inWord = true;
      lastWasUnspaced = false;
    } else if (kind === UNSPACED) {
      if (length > 0 && !lastWasUnspaced) units[length++] = 0x20;
      inWord = false;
      lastWasUnspaced = true;
    } else {
      if (kind === SEPARATOR) inWord = false;
      i += width - 1;
      continue;
    }
    units[length++] = width === 1 ? entry & 0xffff : text.charCodeAt(i);
    if (width === 2) units[length++] = text.charCodeAt(++i);
  }
  into.length = length;
  return true;
}
