/**
 * Japanese register (politeness) from how sentences end. Customer support answers in Japanese are expected in
 * です/ます form; plain form (だ/である) reads as curt or as written for a document, not a customer.
 *
 * Heuristics:
 * - A sentence ends at 。．！？!? or a line break, or at the end of the text.
 * - Before matching, trailing spaces, closing brackets and quotes, emoji and symbols (♪ 〜 ー), and up to two
 *   sentence-final particles (ね よ か な わ: ですね, ますよね, ですか) are stripped.
 * - Polite endings: です, ます (ございます, いたします), ません, ました, でした, ましょう, でしょう, ください, 下さい,
 *   ませ (くださいませ). Longer endings are tried first, so polite past (ました, でした) is not read as plain た.
 * - Plain endings: だ, である, だろう, た (plain past: した, だった, 届いた, なかった), ない, る (dictionary form:
 *   する, ある, いる, できる, なる).
 * - Sentences ending otherwise (nouns, as in 「以上。」, English, numbers) are undecidable and not counted.
 * - The text's register is the majority of its decided sentences; a tie, or no decided sentence, is null. The
 *   majority, not any single sentence, so a quoted plain-form error message inside a polite answer does not flip it.
 */
export type JapaneseRegister = 'polite' | 'plain';

/** Longer endings first within each final character, so ました is polite before its た reads as plain. */
const ENDINGS: readonly [string, JapaneseRegister][] = [
  ['ます', 'polite'],
  ['です', 'polite'],
  ['ません', 'polite'],
  ['ました', 'polite'],
  ['でした', 'polite'],
  ['ましょう', 'polite'],
  ['でしょう', 'polite'],
  ['ください', 'polite'],
  ['下さい', 'polite'],
  ['ませ', 'polite'],
  ['である', 'plain'],
  ['だろう', 'plain'],
  ['だ', 'plain'],
  ['た', 'plain'],
  ['ない', 'plain'],
  ['る', 'plain'],
];
/** Every ending ends in hiragana: the endings that end in each hiragana, looked up by its offset from U+3040. */
const ENDINGS_BY_LAST_HIRAGANA: [string, JapaneseRegister][][] = Array.from({ length: 0x60 }, () => []);
for (const entry of ENDINGS) ENDINGS_BY_LAST_HIRAGANA[entry[0].charCodeAt(entry[0].length - 1) - 0x3040].push(entry);
const FINAL_PARTICLES = [...'ねよかなわ'].map((particle) => particle.charCodeAt(0));
const MAX_STRIPPED_PARTICLES = 2;

export function japaneseRegister(text: string): JapaneseRegister | null {
  let polite = 0;
  let plain = 0;
  for (let from = 0; from <= text.length; ) {
    const end = nextSentenceEnd(text, from);
    const register = sentenceRegister(text, end);
    polite += register === 'polite' ? 1 : 0;
    plain += register === 'plain' ? 1 : 0;
    from = end + 1;
  }
  if (polite > plain) return 'polite';
  return plain > polite ? 'plain' : null;
}

/** 1 for 。 ！ ？ ． ! ? . and line breaks. */
const SENTENCE_END = new Uint8Array(0x10000);
for (const end of '。！？．!?.\n') SENTENCE_END[end.charCodeAt(0)] = 1;

/** Index of the next sentence end at or after `from`, or the text's length. */
function nextSentenceEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && SENTENCE_END[text.charCodeAt(i)] === 0) i++;
  return i;
}

/** Register of the sentence ending just before `end`, or null when its ending says nothing. */
function sentenceRegister(text: string, end: number): JapaneseRegister | null {
  end = skipTrailingDecoration(text, end);
  for (let stripped = 0; end > 0; stripped++) {
    const last = text.charCodeAt(end - 1);
    if (last < 0x3040 || last >= 0x30a0) return null; // not hiragana: English, numbers, a noun in kanji
    for (const [ending, register] of ENDINGS_BY_LAST_HIRAGANA[last - 0x3040]) {
      if (end >= ending.length && text.startsWith(ending, end - ending.length)) return register;
    }
    if (stripped === MAX_STRIPPED_PARTICLES || !FINAL_PARTICLES.includes(last)) return null;
    end--;
  }
  return null;
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
