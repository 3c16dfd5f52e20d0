import { japaneseRegister, type JapaneseRegister } from './register';
import { countWords } from './word-count';

export interface FormatRules {
  max_answer_words?: number;
  /** Matched case-insensitively as typed; a phrase that starts or ends with a letter or digit must stand as whole words there. */
  forbidden_phrases: string[];
  /** Checked on Japanese answers only: English has no comparable register to detect by form. */
  required_register?: JapaneseRegister;
}

/** Why an answer breaks the spec's format rules, one message per broken rule; empty when it keeps them all. */
export function formatViolations(answer: string, rules: FormatRules): string[] {
  const violations: string[] = [];
  if (rules.forbidden_phrases.length > 0) {
    const lowered = answer.toLowerCase();
    const phrases = loweredPhrases(rules.forbidden_phrases);
    for (let i = 0; i < phrases.length; i++) {
      if (containsPhrase(lowered, phrases[i])) violations.push(`forbidden phrase "${rules.forbidden_phrases[i]}"`);
    }
  }
  if (rules.max_answer_words !== undefined) {
    const words = countWords(answer);
    if (words > rules.max_answer_words) violations.push(`${words} words > max_answer_words ${rules.max_answer_words}`);
  }
  if (rules.required_register !== undefined) {
    const register = japaneseRegister(answer);
    if (register !== null && register !== rules.required_register) violations.push(`${register} form where ${rules.required_register} is required`);
  }
  return violations;
}

/** Lower-cased once per rule set, not once per record. */
const loweredByRules = new WeakMap<readonly string[], string[]>();

function loweredPhrases(phrases: readonly string[]): string[] {
  let lowered = loweredByRules.get(phrases);
  if (!lowered) {
    lowered = phrases.map((phrase) => phrase.trim().toLowerCase());
    loweredByRules.set(phrases, lowered);
  }
  return lowered;
}

/** Substring match with word edges where the phrase has them: "AI" is not found in "said", "As an AI" is in "as an AI,". */
function containsPhrase(text: string, phrase: string): boolean {
  if (phrase.length === 0) return false;
  const checkStart = isAsciiWordChar(phrase.charCodeAt(0));
  const checkEnd = isAsciiWordChar(phrase.charCodeAt(phrase.length - 1));
  for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + 1)) {
    const after = at + phrase.length;
    if (checkStart && at > 0 && isAsciiWordChar(text.charCodeAt(at - 1))) continue;
    if (checkEnd && after < text.length && isAsciiWordChar(text.charCodeAt(after))) continue;
    return true;
  }
  return false;
}

function isAsciiWordChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a);
}
