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
  return recentLanguages[weigh(text)];
}

/** True only when both texts are confidently in a language and the languages differ: an answer in the wrong language. */
export function languageMismatch(question: string, answer: string): boolean {
  const askedSlot = weigh(question);
  if (!isConfident(askedSlot)) return false;
  const asked = recentLanguages[askedSlot];
  const answeredSlot = weigh(answer);
  return isConfident(answeredSlot) && recentLanguages[answeredSlot] !== asked;
}

function isConfident(slot: number): boolean {
  return recentLanguages[slot] !== 'unknown' && recentEvidence[slot * 2 + SHARE] >= CONFIDENT_SHARE && recentEvidence[slot * 2 + UNITS] >= CONFIDENT_UNITS;
}

/**
 * The last two texts weighed and their results. The data phase asks for an answer's language and then whether
 * it matches its question's: the second question then costs a string comparison, not another scan. Evidence is
 * in a typed array, not objects: storing a fraction into an object field that first held 0 changes the object's
 * hidden class, and V8 then deoptimised the scanning loop on every call.
 */
const recentTexts = ['', ''];
const recentLanguages: Language[] = ['unknown', 'unknown'];
const recentEvidence = new Float64Array(4);
const SHARE = 0;
const UNITS = 1;
let nextSlot = 0;

/** The slot holding `text`'s language and evidence, weighing it unless it is one of the last two texts. */
function weigh(text: string): number {
  let slot = text === recentTexts[0] ? 0 : text === recentTexts[1] ? 1 : -1;
  if (slot === -1) {
    slot = nextSlot;
    recentTexts[slot] = text;
    recentLanguages[slot] = weighEvidence(text, slot * 2);
  }
  nextSlot = slot ^ 1;
  return slot;
}

/** Characters per script of the text being weighed; reused, so weighing allocates nothing. */
const scriptCounts = new Int32Array(8);

/** The text's dominant language; writes the strength of that evidence to recentEvidence from `evidenceAt`. */
function weighEvidence(text: string, evidenceAt: number): Language {
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
  recentEvidence[evidenceAt + UNITS] = units;
  if (units < MIN_UNITS) {
    recentEvidence[evidenceAt + SHARE] = 0;
    return 'unknown';
  }
  const strongest = Math.max(japanese, latin, other);
  recentEvidence[evidenceAt + SHARE] = strongest / units;
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
