import { fail } from '../../failures';

/** One thing wrong with the input data, pointing at the file and, where known, the line. */
export interface DataProblem {
  file: string;
  line?: number;
  message: string;
}

/** How many problems an error message lists; the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 10;

/**
 * Collects problems across all sources instead of stopping at the first, so a user can fix a batch of
 * bad lines in one pass. Only the first few are kept: a wrongly formatted file has a problem on every line.
 */
export class ProblemList {
  readonly listed: DataProblem[] = [];
  total = 0;
  /** Problems that stop the file they are in (binary, unreadable, truncated), which skipping rows cannot cure. */
  fatal = 0;

  /** `onProblem` sees every problem, listed or not (the second pass audits skipped rows with it). */
  constructor(private readonly onProblem?: (problem: DataProblem) => void) {}

  add(file: string, line: number | undefined, message: string): void {
    this.total += 1;
    if (line === undefined) this.fatal += 1;
    this.onProblem?.(line === undefined ? { file, message } : { file, line, message });
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push(line === undefined ? { file, message } : { file, line, message });
  }

  /** Throws the non-retryable `InvalidData` failure when any problem was found; retrying cannot fix the data. */
  throwIfAny(): void {
    if (this.total === 0) return;
    const lines = this.listed.map(formatProblem);
    const unlisted = this.total - this.listed.length;
    if (unlisted > 0) lines.push(`... and ${unlisted} more (${this.total} problems in total)`);
    throw fail('InvalidData', lines.join('\n'), { problems: this.listed, total: this.total });
  }
}

export function formatProblem(problem: DataProblem): string {
  return problem.line === undefined ? `${problem.file}: ${problem.message}` : `${problem.file}:${problem.line}: ${problem.message}`;
}
