import { fmix32, FNV_OFFSET, FNV_PRIME } from '../activities/data/hash32';
import { detectLanguage, type Language } from '../activities/data/signals/language';

/** Words are counted into this many hash buckets: enough to see a change of vocabulary, too few to say what was asked. */
export const LEXICAL_BUCKETS = 16;

/**
 * What the monitoring loop compares between production questions and the training data: length, language,
 * category (when the client names one) and a coarse lexical profile. The server logs these for every request,
 * whether or not the spec lets text into the log, and the training side is measured by the same function.
 */
export interface InputFeatures {
  /** Characters after NFKC normalisation. */
  chars: number;
  language: Language;
  /** Word counts per hash bucket, LEXICAL_BUCKETS long. */
  lexical: number[];
  category?: string;
}

// ICU's word breaker splits Japanese by dictionary and spaced scripts at spaces and punctuation, whatever the locale.
const segmenter = new Intl.Segmenter('en', { granularity: 'word' });

export function inputFeatures(question: string, category?: string): InputFeatures {
  const text = question.normalize('NFKC').toLowerCase();
  const lexical = new Array<number>(LEXICAL_BUCKETS).fill(0);
  for (const part of segmenter.segment(text)) {
    if (part.isWordLike) lexical[bucketOf(part.segment)]! += 1;
  }
  return { chars: [...text].length, language: detectLanguage(text), lexical, ...(category ? { category } : {}) };
}

function bucketOf(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return (fmix32(h) >>> 0) % LEXICAL_BUCKETS;
}
