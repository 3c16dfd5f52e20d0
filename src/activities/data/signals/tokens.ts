import { FNV_OFFSET } from '../hash32';
import { fmix32, fnvStep } from './hash';
import { Script, scriptOf } from './script';

/**
 * Hashes of a text's tokens, for n-gram statistics: each Latin or other-script word (lower-cased, apostrophes
 * dropped: "Don't" = "dont") is a token, and so is each Japanese character, so word n-grams of English and
 * character n-grams of Japanese come from one pass, mixed text included. Punctuation, spaces and symbols are
 * skipped, so "Thanks!" and "thanks" give the same n-grams. Full-width letters and digits are folded to ASCII
 * ("ＩＤ" = "id"). The buffer is reused: scanning allocates nothing once it has grown to the longest text.
 */
export class TokenHashes {
  hashes: Uint32Array = new Uint32Array(256);
  count = 0;
  /** How many of the tokens are Japanese characters. */
  japanese = 0;

  scan(text: string): void {
    // Locals, written back at the end: the hot loop then keeps its state in registers.
    let hashes = this.hashes;
    let count = 0;
    let japanese = 0;
    let hash = FNV_OFFSET;
    let inWord = false;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      const folded = WORD_CODE[code];
      if (folded !== 0) {
        hash = inWord ? fnvStep(hash, folded) : fnvStep(FNV_OFFSET, folded);
        inWord = true;
        continue;
      }
      if (inWord && (code === 0x27 || code === 0x2019) && i + 1 < length && WORD_CODE[text.charCodeAt(i + 1)] !== 0) continue;
      const japaneseLetter = JAPANESE_LETTER[code] === 1;
      if (!inWord && !japaneseLetter) continue;
      if (count + 2 > hashes.length) hashes = this.grow(count);
      if (inWord) hashes[count++] = fmix32(hash);
      inWord = false;
      if (japaneseLetter) {
        hashes[count++] = fmix32(fnvStep(FNV_OFFSET, code));
        japanese++;
      }
    }
    if (inWord) {
      if (count === hashes.length) hashes = this.grow(count);
      hashes[count++] = fmix32(hash);
    }
    this.count = count;
    this.japanese = japanese;
  }

  private grow(used: number): Uint32Array {
    const grown = new Uint32Array(this.hashes.length * 2);
    grown.set(this.hashes.subarray(0, used));
    this.hashes = grown;
    return grown;
  }
}

/** For each code unit: 0 if it is not part of a word, else the code unit a word hashes it as (lower-cased, full-width folded). */
const WORD_CODE = new Uint16Array(0x10000);
for (let code = 1; code < WORD_CODE.length; code++) {
  const ascii = code >= 0xff01 && code <= 0xff5e ? code - 0xfee0 : code; // full-width ASCII, as typed with a Japanese IME
  const script = scriptOf(ascii);
  if (script === Script.Latin || script === Script.Digit || script === Script.Other) WORD_CODE[code] = lowerLatin(ascii);
}

/** 1 for kana and kanji: each is a token of its own. */
const JAPANESE_LETTER = new Uint8Array(0x10000);
for (let code = 0; code < JAPANESE_LETTER.length; code++) {
  const script = scriptOf(code);
  JAPANESE_LETTER[code] = script === Script.Kana || script === Script.Ideograph ? 1 : 0;
}

function lowerLatin(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code | 0x20;
  return code >= 0xc0 && code <= 0xde && code !== 0xd7 ? code + 0x20 : code;
}
