import type { SeededRandom } from './random';
import type { Lang, SupportRecord } from './support-record';
import { mapTexts } from './support-record';

/**
 * What "the same text" means in this benchmark: equal after Unicode compatibility folding (full-width forms),
 * lower-casing, turning punctuation and symbols into spaces and collapsing spaces. Every planted exact duplicate
 * normalises to its original under this definition.
 */
export function normaliseForComparison(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

type Rewrite = (text: string, random: SeededRandom) => string;

const toFullWidth = (text: string, pattern: RegExp) =>
  text.replace(pattern, (c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));

// Each rewrite changes only case, punctuation, spacing or character width, never a word boundary the
// normalisation keeps (commas and full stops go only where a space already follows them).
const ENGLISH_REWRITES: Rewrite[] = [
  (t) => t.toLowerCase(),
  (t) => t.toUpperCase(),
  (t) => t.replace(/\b[a-z]/g, (c) => c.toUpperCase()),
  (t, r) => t.replace(/[.?!]$/, r.pick(['!', '!!', '', ' :)', '...'])),
  (t) => t.replace(/, /g, ' '),
  (t, r) => t.replace(/\. /g, r.pick(['! ', '; ', ' - ', '.  '])),
  (t, r) => t.replace(/ /g, () => (r.chance(0.15) ? '  ' : ' ')),
  (t, r) => `${r.pick(['  ', '\t', ''])}${t}${r.pick([' ', '\n', '  '])}`,
  (t) => t.replace(/([a-z])([,?!.])( |$)/g, '$1 $2$3'),
];

const JAPANESE_REWRITES: Rewrite[] = [
  (t) => toFullWidth(t, /[!-~ ]/g),
  (t) => toFullWidth(t, /[0-9]/g),
  (t, r) => t.replace(/。/g, () => r.pick(['．', '. ', '。', '！'])),
  (t) => t.replace(/、/g, '，'),
  (t, r) => t.replace(/。(?=.)/g, r.pick(['。\u3000', '。 '])),
  (t) => t.replace(/。$/, ''),
  (t) => t.replace(/[A-Za-z]+/g, (w) => w.toUpperCase()),
  (t, r) => `${r.pick(['\u3000', ' ', ''])}${t}${r.pick(['\u3000', ' ', '\n'])}`,
];

/** A copy of `original` that a careless export or a second upload would produce: same words, different surface. */
export function exactVariant(original: SupportRecord, lang: Lang, random: SeededRandom): SupportRecord {
  if (random.chance(0.25)) return mapTexts(original, (text) => text);
  const pool = lang === 'ja' ? JAPANESE_REWRITES : ENGLISH_REWRITES;
  const rewrites = [random.pick(pool), random.pick(pool)].slice(0, random.int(1, 2));
  return mapTexts(original, (text) => rewrites.reduce((t, rewrite) => rewrite(t, random), text));
}
