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

interface Evidence {
  language: Language;
  /** Share of the evidence held by `language` (0 when unknown). */
  share: number;
  units: number;
}

/** The language of a text by its script. Mixed Japanese and English goes to the heavier side, ties to Japanese. */
export function detectLanguage(text: string): Language {
  return weighEvidence(text).language;
}

/** True only when both texts are confidently in a language and the languages differ: an answer in the wrong language. */
export function languageMismatch(question: string, answer: string): boolean {
  const asked = weighEvidence(question);
  if (!isConfident(asked)) return false;
  const answered = weighEvidence(answer);
  return isConfident(answered) && asked.language !== answered.language;
}

function isConfident(evidence: Evidence): boolean {
  return evidence.language !== 'unknown' && evidence.share >= CONFIDENT_SHARE && evidence.units >= CONFIDENT_UNITS;
}

function weighEvidence(text: string): Evidence {
  let kana = 0;
  let ideographs = 0;
  let cjkMarks = 0;
  let latinWords = 0;
  let otherLetters = 0;
  let previous = Script.None;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const script = scriptOf(code);
    if (script === Script.Latin) {
      if (previous !== Script.Latin && startsUrl(text, i, code)) {
        i = endOfToken(text, i) - 1;
        previous = Script.None;
        continue;
      }
      if (previous !== Script.Latin) latinWords++;
    } else if (script === Script.Kana) kana++;
    else if (script === Script.Ideograph) ideographs++;
    else if (script === Script.CjkMark) cjkMarks++;
    else if (script === Script.Other) otherLetters++;
    previous = script;
  }
  const chinese = kana === 0 && ideographs >= MIN_CHINESE_IDEOGRAPHS;
  const japanese = chinese ? 0 : kana + ideographs + cjkMarks;
  const latin = latinWords * LATIN_WORD_UNITS;
  // Other scripts are counted per letter: Hangul and Chinese write about a word in one or two characters.
  const other = otherLetters + (chinese ? ideographs + cjkMarks : 0);
  const units = japanese + latin + other;
  if (units < MIN_UNITS) return { language: 'unknown', share: 0, units };
  if (japanese >= latin && japanese >= other) return { language: 'ja', share: japanese / units, units };
  if (latin >= other) return { language: 'en', share: latin / units, units };
  return { language: 'other', share: other / units, units };
}

/** URLs are ASCII letters in any language's text: they are skipped, not counted as English. */
function startsUrl(text: string, at: number, code: number): boolean {
  if (code === 0x68) return text.startsWith('https://', at) || text.startsWith('http://', at);
  return code === 0x77 && text.startsWith('www.', at);
}

/** A URL ends at whitespace or where Japanese text resumes ("https://example.com/help をご覧ください", with or without the space). */
function endOfToken(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) break;
    const script = scriptOf(code);
    if (script === Script.Kana || script === Script.Ideograph || script === Script.CjkMark) break;
  }
  return i;
}
