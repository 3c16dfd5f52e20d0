/**
 * Japanese register (politeness) from how sentences end. Customer support answers in Japanese are expected in
 * です/ます form; plain form (だ/である) reads as curt or as written for a document, not a customer.
 *
 * Heuristics:
 * - A sentence ends at 。．！？!? or a line break, or at the end of the text.
 * - Before matching, trailing spaces, closing brackets and quotes, emoji and symbols (♪ 〜 ー), and up to two
 *   sentence-final particles (ね よ か な わ: ですね, ますよね, ですか) are stripped.
 * - Polite endings are checked first, because polite past (ました, でした) ends in the plain past's た:
 *   です, ます (ございます, いたします), ません, ました, でした, ましょう, でしょう, ください, 下さい, ませ (くださいませ).
 * - Plain endings: だ, である, だろう, た (plain past: した, だった, 届いた, なかった), ない, る (dictionary form:
 *   する, ある, いる, できる, なる).
 * - Sentences ending otherwise (nouns, as in 「以上。」, English, numbers) are undecidable and not counted.
 * - The text's register is the majority of its decided sentences; a tie, or no decided sentence, is null. The
 *   majority, not any single sentence, so a quoted plain-form error message inside a polite answer does not flip it.
 */
export type JapaneseRegister = 'polite' | 'plain';

const POLITE_ENDINGS = ['ます', 'です', 'ません', 'ました', 'でした', 'ましょう', 'でしょう', 'ください', '下さい', 'ませ'];
const PLAIN_ENDINGS = ['だ', 'である', 'だろう', 'た', 'ない', 'る'];
const FINAL_PARTICLES = [...'ねよかなわ'].map((particle) => particle.charCodeAt(0));
const MAX_STRIPPED_PARTICLES = 2;

export function japaneseRegister(text: string): JapaneseRegister | null {
  let polite = 0;
  let plain = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && !isSentenceEnd(text.charCodeAt(i))) continue;
    const register = sentenceRegister(text, i);
    if (register === 'polite') polite++;
    else if (register === 'plain') plain++;
  }
  if (polite > plain) return 'polite';
  return plain > polite ? 'plain' : null;
}

function isSentenceEnd(code: number): boolean {
  return code === 0x3002 || code === 0x0a || code === 0xff01 || code === 0xff1f || code === 0xff0e || code === 0x21 || code === 0x3f || code === 0x2e;
}

/** Register of the sentence ending just before `end`, or null when its ending says nothing. */
function sentenceRegister(text: string, end: number): JapaneseRegister | null {
  end = skipTrailingDecoration(text, end);
  if (end === 0 || !isHiragana(text.charCodeAt(end - 1))) return null; // every ending above ends in hiragana: English stops here
  for (let stripped = 0; ; stripped++) {
    if (endsWithAny(text, end, POLITE_ENDINGS)) return 'polite';
    if (endsWithAny(text, end, PLAIN_ENDINGS)) return 'plain';
    if (stripped === MAX_STRIPPED_PARTICLES || end < 2 || !FINAL_PARTICLES.includes(text.charCodeAt(end - 1))) return null;
    end--;
  }
}

function skipTrailingDecoration(text: string, end: number): number {
  while (end > 0) {
    const code = text.charCodeAt(end - 1);
    const decoration =
      code <= 0x20 || code === 0x3000 || code === 0x29 || code === 0x22 || code === 0x27 || code === 0x7e || // space ) " ' ~
      (code >= 0x3009 && code <= 0x3011 && code % 2 === 1) || // 〉》」』】
      code === 0xff09 || code === 0x201d || code === 0x2019 || code === 0x301c || code === 0x30fc || // ） ” ’ 〜 ー
      (code >= 0x2000 && code < 0x3000) || (code >= 0xd800 && code < 0xe000); // symbols (♪ ★), emoji
    if (!decoration) return end;
    end--;
  }
  return end;
}

function endsWithAny(text: string, end: number, endings: readonly string[]): boolean {
  for (const ending of endings) if (end >= ending.length && text.startsWith(ending, end - ending.length)) return true;
  return false;
}

function isHiragana(code: number): boolean {
  return code >= 0x3041 && code <= 0x309f;
}
