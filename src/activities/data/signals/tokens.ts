import { FNV_OFFSET, fmix32, fnvStep } from './hash';
import { Script, scriptOf } from './script';

/**
 * Hashes of a text's tokens, for n-gram statistics: each Latin or other-script word (lower-cased, apostrophes
 * dropped: "Don't" = "dont") is a token, and so is each Japanese character, so word n-grams of English and
 * character n-grams of Japanese come from one pass, mixed text included. Punctuation, spaces and symbols are
 * skipped, so "Thanks!" and "thanks" give the same n-grams. Full-width letters and digits are folded to ASCII
 * ("ＩＤ" = "id"). The buffer is reused: scanning allocates nothing once it has grown to the longest text.
 */
export class TokenHashes {
  hashes = new Uint32Array(256);
  count = 0;
  /** How many of the tokens are Japanese characters. */
  japanese = 0;

  scan(text: string): void {
    this.count = 0;
    this.japanese = 0;
    let hash = FNV_OFFSET;
    let inWord = false;
    const length = text.length;
    for (let i = 0; i < length; i++) {
      let code = text.charCodeAt(i);
      if (code >= 0xff01 && code <= 0xff5e) code -= 0xfee0; // full-width ASCII, as typed with a Japanese IME
      const script = scriptOf(code);
      if (script === Script.Latin || script === Script.Digit || script === Script.Other) {
        if (!inWord) hash = FNV_OFFSET;
        inWord = true;
        hash = fnvStep(hash, lowerLatin(code));
        continue;
      }
      if (inWord && (code === 0x27 || code === 0x2019) && i + 1 < length && isWordLetter(text.charCodeAt(i + 1))) continue;
      if (inWord) this.push(fmix32(hash));
      inWord = false;
      if (script === Script.Kana || script === Script.Ideograph) {
        this.push(fmix32(fnvStep(FNV_OFFSET, code)));
        this.japanese++;
      }
    }
    if (inWord) this.push(fmix32(hash));
  }

  private push(hash: number): void {
    if (this.count === this.hashes.length) {
      const grown = new Uint32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hash;
  }
}

function lowerLatin(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code | 0x20;
  return code >= 0xc0 && code <= 0xde && code !== 0xd7 ? code + 0x20 : code;
}

function isWordLetter(code: number): boolean {
  const script = scriptOf(code);
  return script === Script.Latin || script === Script.Other;
}
