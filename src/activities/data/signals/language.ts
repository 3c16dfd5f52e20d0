import { Script, scriptOf, isWhitespace } from './script';

export type Language = 'ja' | 'en' | 'other' | 'unknown';

/**
 * Evidence is weighed in units of meaning rather than characters: a Latin word counts as two units (an English
 * sentence and its Japanese translation have about two Japanese characters per English word), a Japanese
 * character or CJK punctuation mark as one. A product name ("iPhone 15 Pro") thus weighs a few units, however
 * long it is spelled, and cannot outvote the Japanese grammar around it. Latin script is reported as 'en': the
 * corpus is English and Japanese, and telling English from French needs a vocabulary, not a script count.
 */
const LATIN_WORD_UNITS = 2;
/** Below this much evidence ("Yes.", "OK", "はい", an order number) the text is 'unknown'. */
const MIN_UNITS = 4;
/** Ideographs without a single kana, this many or more, read as Chinese; fewer ("送料無料") stay Japanese, the corpus's prior. */
const MIN_CHINESE_IDEOGRAPHS = 10;
/** languageMismatch only trusts a language holding this share of the evidence, on at least this many units. */
const CONFIDENT_SHARE = 0.75;
const CONFIDENT_UNITS = 6;

/** The language of a text by its script. Mixed Japanese and English goes to the heavier side, ties to Japanese. */
export function detectLanguage(text: string): Language {
  return weighEvidence(text);
}

/** True only when both texts are confidently in a language and the languages differ: an answer in the wrong language. */
export function languageMismatch(question: string, answer: string): boolean {
  const asked = weighEvidence(question);
  if (!isConfident(asked)) return false;
  const answered = weighEvidence(answer);
  return isConfident(answered) && asked !== answered;
}

/** Reads the evidence of the last weighEvidence call. */
function isConfident(language: Language): boolean {
  return language !== 'unknown' && lastEvidence.share >= CONFIDENT_SHARE && lastEvidence.units >= CONFIDENT_UNITS;
}

/** Characters per script of the text being weighed; reused, so weighing allocates nothing. */
const scriptCounts = new Int32Array(8);
/** The weight behind the last language returned by weighEvidence: its share of the evidence, and the evidence in units. */
const lastEvidence = { share: 0, units: 0 };

/** The text's dominant language; leaves the strength of that evidence in lastEvidence. */
function weighEvidence(text: string): Language {
  const counts = scriptCounts;
  counts.fill(0);
  let latinWords = 0;
  let previous = Script.None;
  const length = text.length;
  // One table-driven count per character and a single branch for word starts: this loop shape stayed fast
  // on both one-byte (English) and two-byte (Japanese) strings, where a branch per script did not.
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const script = scriptOf(code);
    if (script === Script.Latin && previous !== Script.Latin) {
      if ((code === 0x68 || code === 0x77) && startsUrl(text, i)) {
        i = endOfUrl(text, i) - 1;
        previous = Script.None;
        continue;
      }
      latinWords++;
    }
    counts[script]++;
    previous = script;
  }
  const kana = counts[Script.Kana];
  const ideographs = counts[Script.Ideograph];
  const cjkMarks = counts[Script.CjkMark];
  const chinese = kana === 0 && ideographs >= MIN_CHINESE_IDEOGRAPHS;
  const japanese = chinese ? 0 : kana + ideographs + cjkMarks;
  const latin = latinWords * LATIN_WORD_UNITS;
  // Other scripts are counted per letter: Hangul and Chinese write about a word in one or two characters.
  const other = counts[Script.Other] + (chinese ? ideographs + cjkMarks : 0);
  const units = japanese + latin + other;
  lastEvidence.units = units;
  if (units < MIN_UNITS) {
    lastEvidence.share = 0;
    return 'unknown';
  }
  const strongest = Math.max(japanese, latin, other);
  lastEvidence.share = strongest / units;
  if (japanese === strongest) return 'ja';
  return latin === strongest ? 'en' : 'other';
}

/** URLs are ASCII letters in any language's text: they are skipped, not counted as English. Called only at an "h" or "w". */
function startsUrl(text: string, at: number): boolean {
  return text.startsWith('http://', at) || text.startsWith('https://', at) || text.startsWith('www.', at);
}

/** A URL ends at whitespace or where Japanese text resumes ("https://example.com/help をご覧ください", with or without the space). */
function endOfUrl(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) break;
    const script = scriptOf(code);
    if (script === Script.Kana || script === Script.Ideograph || script === Script.CjkMark) break;
  }
  return i;
}
