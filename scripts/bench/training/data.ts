import fs from 'node:fs';
import path from 'node:path';
import { composeRecord } from '../data/corpus/phrasebook';
import { ENGLISH } from '../data/corpus/phrasebook-en';
import { JAPANESE } from '../data/corpus/phrasebook-ja';
import { SeededRandom } from '../data/corpus/random';

export interface TrainingData {
  train: string;
  validation: string;
}

/** Share of Japanese exchanges, as in the data benchmark's corpus. */
const JAPANESE_SHARE = 0.15;

/**
 * The splits a data phase would hand to training: support exchanges from the data benchmark's phrasebooks, with
 * the `id` the trainer requires. The same files for the same seed, so every run trains on the same bytes.
 */
export function writeTrainingData(dir: string, counts: { train: number; validation: number }, seed: number): TrainingData {
  fs.mkdirSync(dir, { recursive: true });
  const random = new SeededRandom(seed);
  const write = (name: string, count: number): string => {
    const file = path.join(dir, `${name}.jsonl`);
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const record = composeRecord(random.chance(JAPANESE_SHARE) ? JAPANESE : ENGLISH, random);
      lines.push(JSON.stringify({ id: `${name}-${i}`, ...record }));
    }
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };
  return { train: write('train', counts.train), validation: write('validation', counts.validation) };
}
