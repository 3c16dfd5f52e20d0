import { answerOf } from '../records';
import { readSplitRecords } from '../split-records';
import type { NgramBloom } from '../signals/contamination';

/** A test example counts as contaminated when at least this share of its n-grams occurs in train. */
export const CONTAMINATED_OVERLAP = 0.5;
const EXAMPLES = 10;

export interface ContaminationReport {
  /** Share of test examples at or above CONTAMINATED_OVERLAP. */
  rate: number;
  meanOverlap: number;
  contaminated: number;
  tested: number;
  /** The most overlapping test examples, by source location. */
  examples: { file: string; line: number; overlap: number }[];
}

/** N-gram overlap of each test answer with the training answers (the test file is read back; it is the smallest split). */
export async function measureContamination(testFile: string, trainNgrams: NgramBloom): Promise<ContaminationReport> {
  let tested = 0;
  let contaminated = 0;
  let total = 0;
  const top: ContaminationReport['examples'] = [];
  for await (const record of readSplitRecords(testFile)) {
    const overlap = trainNgrams.overlap(answerOf(record));
    tested += 1;
    total += overlap;
    if (overlap >= CONTAMINATED_OVERLAP) contaminated += 1;
    if (overlap > 0 && (top.length < EXAMPLES || overlap > top[top.length - 1]!.overlap)) {
      top.push({ file: record.source.uri, line: record.source.line, overlap: Math.round(overlap * 1000) / 1000 });
      top.sort((a, b) => b.overlap - a.overlap);
      top.length = Math.min(top.length, EXAMPLES);
    }
  }
  return { rate: tested === 0 ? 0 : contaminated / tested, meanOverlap: tested === 0 ? 0 : total / tested, contaminated, tested, examples: top };
}
