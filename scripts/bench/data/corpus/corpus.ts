import { exactVariant } from './exact-variants';
import { nearVariant } from './near-edits';
import { composeRecord } from './phrasebook';
import { ENGLISH } from './phrasebook-en';
import { JAPANESE } from './phrasebook-ja';
import { plantPii } from './plant-pii';
import { SeededRandom } from './random';
import type { Lang, SupportRecord } from './support-record';
import type { TruthLine } from '../truth';

export interface CorpusOptions {
  records: number;
  seed: number;
}

/** One corpus line as written, with what was planted in it when something was. */
export interface CorpusLine {
  json: string;
  truth?: TruthLine;
}

/** Shares of the corpus: Japanese records, planted exact copies, planted near copies, records carrying PII. */
export const MIX = { japanese: 0.15, exact: 0.02, near: 0.03, pii: 0.05 };

// Originals are drawn from a uniform sample of all earlier clean records: copies may point far back in the
// corpus, as re-uploads do, while memory stays bounded however long the corpus is.
const RESERVOIR_SIZE = 20_000;

interface Original {
  line: number;
  lang: Lang;
  record: SupportRecord;
}

class Reservoir {
  private readonly items: Original[] = [];
  private seen = 0;

  constructor(private readonly random: SeededRandom) {}

  offer(item: Original): void {
    this.seen++;
    if (this.items.length < RESERVOIR_SIZE) this.items.push(item);
    else {
      const slot = Math.floor(this.random.next() * this.seen);
      if (slot < RESERVOIR_SIZE) this.items[slot] = item;
    }
  }

  draw(): Original | undefined {
    return this.items.length === 0 ? undefined : this.random.pick(this.items);
  }
}

/**
 * The benchmark corpus, one line at a time: the same lines for the same seed. Planted copies always point at a
 * clean original (no PII, not itself a copy), so every truth line has one unambiguous answer.
 */
export function* generateCorpus(options: CorpusOptions): Generator<CorpusLine> {
  const random = new SeededRandom(options.seed);
  const reservoir = new Reservoir(new SeededRandom(options.seed + 0x5eed));
  for (let line = 1; line <= options.records; line++) {
    const roll = random.next();
    const original = roll < MIX.exact + MIX.near ? reservoir.draw() : undefined;
    if (original) {
      const kind = roll < MIX.exact ? 'exact' : 'near';
      const copy = kind === 'exact' ? exactVariant(original.record, original.lang, random) : nearVariant(original.record, original.lang, random);
      yield { json: JSON.stringify(copy), truth: { line, kind, of: original.line, lang: original.lang } };
      continue;
    }
    const lang: Lang = random.chance(MIX.japanese) ? 'ja' : 'en';
    const record = composeRecord(lang === 'ja' ? JAPANESE : ENGLISH, random);
    if (roll < MIX.exact + MIX.near + MIX.pii) {
      const planted = plantPii(record, lang, random);
      yield { json: JSON.stringify(planted.record), truth: { line, pii: planted.kinds } };
      continue;
    }
    reservoir.offer({ line, lang, record });
    yield { json: JSON.stringify(record) };
  }
}
