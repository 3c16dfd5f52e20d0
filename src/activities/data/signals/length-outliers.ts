import type { Language } from './language';
import { countWords } from './word-count';

export interface LengthBounds {
  low: number;
  high: number;
}

/**
 * Answer lengths of a whole corpus in 4 bytes per record, in record order, and after the pass the records
 * whose length is an outlier for their language. Japanese answers are measured in characters and compared
 * with Japanese answers only; all others in words, compared with each other: a Japanese answer has roughly 2.5
 * characters per English word and would otherwise fall outside every bound.
 *
 * The rule is Tukey's far-out fence on log-lengths: outside [Q1 - 3 IQR, Q3 + 3 IQR] of ln(length). Lengths
 * are skewed (many short answers, a long tail), and on the log scale a ratio counts the same at every length;
 * 3 IQR rather than 1.5 flags anomalies (a pasted email thread, an answer that is the whole FAQ), not the
 * ordinary long tail: on log-normal lengths it flags about 2 records in a million. The log-IQR is floored at
 * ln 2 so a corpus of near-identical lengths does not flag ordinary variation, and a group of fewer than 20
 * answers has no bounds: quartiles of a handful of records mean nothing.
 */
export class LengthOutliers {
  private lengths = new Uint32Array(1024);
  private size = 0;
  private readonly boundsCache = new Map<LengthGroup, LengthBounds>();

  /** Records `answer`'s length; `language` is the answer's, from detectLanguage. */
  add(answer: string, language: Language): void {
    this.addMeasured(LengthOutliers.measure(answer, language));
  }

  /** What `add` records for an answer, measured apart from the corpus (the data phase measures in worker threads). */
  static measure(answer: string, language: Language): number {
    const japanese = language === 'ja';
    const length = Math.min(japanese ? answer.length : countWords(answer), MAX_LENGTH);
    return japanese ? (length | JAPANESE_FLAG) >>> 0 : length;
  }

  /** Records an answer by its `measure`. */
  addMeasured(measured: number): void {
    if (this.size === this.lengths.length) {
      const grown = new Uint32Array(this.lengths.length * 2);
      grown.set(this.lengths);
      this.lengths = grown;
    }
    this.lengths[this.size++] = measured;
    if (this.boundsCache.size > 0) this.boundsCache.clear();
  }

  /** Answers recorded so far. */
  get count(): number {
    return this.size;
  }

  /** Lengths below `low` or above `high` are outliers: characters for 'ja', words for every other language. */
  outlierBounds(language: Language): LengthBounds {
    const group: LengthGroup = language === 'ja' ? 'ja' : 'words';
    let bounds = this.boundsCache.get(group);
    if (!bounds) {
      bounds = farOutFence(this.groupLengths(group));
      this.boundsCache.set(group, bounds);
    }
    return bounds;
  }

  /** 0-based positions, in the order added, of the answers outside their group's bounds. */
  outliers(): number[] {
    const ja = this.outlierBounds('ja');
    const words = this.outlierBounds('en');
    const found: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const value = this.lengths[i];
      const bounds = value & JAPANESE_FLAG ? ja : words;
      const length = value & LENGTH_MASK;
      if (length < bounds.low || length > bounds.high) found.push(i);
    }
    return found;
  }

  private groupLengths(group: LengthGroup): Uint32Array {
    const wanted = group === 'ja' ? JAPANESE_FLAG : 0;
    let count = 0;
    for (let i = 0; i < this.size; i++) if ((this.lengths[i] & JAPANESE_FLAG) >>> 0 === wanted) count++;
    const lengths = new Uint32Array(count);
    let next = 0;
    for (let i = 0; i < this.size; i++) {
      const value = this.lengths[i];
      if ((value & JAPANESE_FLAG) >>> 0 === wanted) lengths[next++] = measuredLength(value);
    }
    return lengths;
  }
}

type LengthGroup = 'ja' | 'words';

/** The top bit marks a Japanese answer; the other 31 hold the length. */
const JAPANESE_FLAG = 0x80000000;
const LENGTH_MASK = 0x7fffffff;
const MAX_LENGTH = LENGTH_MASK;
const FENCE_IQRS = 3;
const MIN_LOG_IQR = Math.LN2;
const MIN_GROUP_SIZE = 20;

/** The words or (Japanese) characters of a `LengthOutliers.measure`. */
export function measuredLength(measured: number): number {
  return measured & LENGTH_MASK;
}

function farOutFence(lengths: Uint32Array): LengthBounds {
  if (lengths.length < MIN_GROUP_SIZE) return { low: 0, high: Infinity };
  lengths.sort();
  // Length 0 has no logarithm; 1 is as short as a kept answer gets anyway.
  const q1 = Math.log(Math.max(1, quantile(lengths, 0.25)));
  const q3 = Math.log(Math.max(1, quantile(lengths, 0.75)));
  const iqr = Math.max(q3 - q1, MIN_LOG_IQR);
  return { low: Math.exp(q1 - FENCE_IQRS * iqr), high: Math.exp(q3 + FENCE_IQRS * iqr) };
}

/** Linear interpolation between order statistics (R's type 7) of sorted values. */
function quantile(sorted: Uint32Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
