import { inputFeatures, LEXICAL_BUCKETS, type InputFeatures } from './input-features';
import { populationStabilityIndex } from './population-stability';

/** The training questions' distributions, the reference production traffic is compared with. */
export interface DriftReference {
  kind: 'tempered.drift-reference/v1';
  questions: number;
  /** Upper bounds (inclusive) of the length bins, the training deciles; one more bin holds what is longer. */
  lengthEdges: number[];
  length: number[];
  language: Record<string, number>;
  category: Record<string, number>;
  lexical: number[];
}

export type DriftFeature = 'length' | 'language' | 'category' | 'lexical';

export interface DriftReport {
  /** Requests measured; category only over those whose client named one. */
  samples: number;
  psi: Partial<Record<DriftFeature, number>>;
}

const LANGUAGES = ['ja', 'en', 'other', 'unknown'];
const OTHER_CATEGORY = '(not in training)';
/** Below this many requests naming a category the category's index would be noise. */
export const MIN_CATEGORY_SAMPLES = 20;

export function buildDriftReference(questions: Iterable<{ question: string; category?: string }>): DriftReference {
  const lengths: number[] = [];
  const language: Record<string, number> = Object.fromEntries(LANGUAGES.map((l) => [l, 0]));
  const category: Record<string, number> = {};
  const lexical = new Array<number>(LEXICAL_BUCKETS).fill(0);
  for (const { question, category: named } of questions) {
    const f = inputFeatures(question, named);
    lengths.push(f.chars);
    language[f.language]! += 1;
    if (f.category) category[f.category] = (category[f.category] ?? 0) + 1;
    f.lexical.forEach((n, i) => (lexical[i]! += n));
  }
  if (lengths.length === 0) throw new Error('the training split has no questions to measure drift against');
  lengths.sort((a, b) => a - b);
  const edges = [...new Set(Array.from({ length: 9 }, (_, i) => lengths[Math.floor(((i + 1) * lengths.length) / 10)] ?? lengths.at(-1)!))];
  return { kind: 'tempered.drift-reference/v1', questions: lengths.length, lengthEdges: edges, length: lengthBins(edges, lengths), language, category, lexical };
}

/** The population stability index of each feature of the window's requests against the reference. */
export function measureDrift(reference: DriftReference, window: readonly InputFeatures[]): DriftReport {
  const psi: DriftReport['psi'] = {};
  psi.length = populationStabilityIndex(reference.length, lengthBins(reference.lengthEdges, window.map((f) => f.chars)));
  psi.language = populationStabilityIndex(
    LANGUAGES.map((l) => reference.language[l] ?? 0),
    LANGUAGES.map((l) => window.filter((f) => f.language === l).length),
  );
  const lexical = new Array<number>(LEXICAL_BUCKETS).fill(0);
  for (const f of window) f.lexical.forEach((n, i) => (lexical[i]! += n));
  psi.lexical = populationStabilityIndex(reference.lexical, lexical);
  const named = window.filter((f) => f.category !== undefined);
  const known = Object.keys(reference.category).sort();
  if (known.length > 0 && named.length >= MIN_CATEGORY_SAMPLES) {
    const observed = new Map<string, number>();
    for (const f of named) {
      const bin = f.category! in reference.category ? f.category! : OTHER_CATEGORY;
      observed.set(bin, (observed.get(bin) ?? 0) + 1);
    }
    const bins = [...known, OTHER_CATEGORY];
    psi.category = populationStabilityIndex(
      bins.map((c) => reference.category[c] ?? 0),
      bins.map((c) => observed.get(c) ?? 0),
    );
  }
  return { samples: window.length, psi };
}

function lengthBins(edges: readonly number[], lengths: Iterable<number>): number[] {
  const bins = new Array<number>(edges.length + 1).fill(0);
  for (const n of lengths) {
    let i = 0;
    while (i < edges.length && n > edges[i]!) i++;
    bins[i]! += 1;
  }
  return bins;
}
