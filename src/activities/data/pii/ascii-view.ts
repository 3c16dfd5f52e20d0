/**
 * Japanese text often writes numbers and addresses in full-width forms (`０９０－１２３４－５６７８`,
 * `ｔａｒｏ＠example.jp`) or with look-alike dashes (`ー`, `−`, `–`). Detectors search a view of the text in
 * which these are folded to ASCII. Every folded character is one UTF-16 unit, as is its replacement, so a
 * match's offsets in the view are its offsets in the original text.
 */

// Full-width ASCII and dashes always; the long-vowel mark and the ideographic space only beside a digit,
// where they act as a hyphen or a space (elsewhere they are ordinary Japanese text).
const FOLDABLE =
  /[\uFF01-\uFF5E\u2010-\u2015\u2212]|(?<=[0-9\uFF10-\uFF19])[\u30FC\uFF70\u3000]|[\u30FC\uFF70\u3000](?=[0-9\uFF10-\uFF19])/;
const FOLDABLE_ALL = new RegExp(FOLDABLE.source, 'g');

const FULL_WIDTH_OFFSET = 0xfee0; // U+FF01 '！' - U+0021 '!'

function fold(char: string): string {
  const code = char.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - FULL_WIDTH_OFFSET);
  return code === 0x3000 ? ' ' : '-';
}

/** The text with full-width forms folded to ASCII, same length; the text itself when there is nothing to fold. */
export function asciiView(text: string): string {
  return FOLDABLE.test(text) ? text.replace(FOLDABLE_ALL, fold) : text;
}
