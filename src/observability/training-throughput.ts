/**
 * The training throughput of this process: each running training reports the tokens per second of its last
 * logged steps, and the metrics read their sum. A process with several GPU slots trains several models at once.
 */
const running = new Map<symbol, number>();

export interface TrainingThroughput {
  /** The trainer's latest figure; null (not reported yet, or a step without one) keeps the previous figure. */
  report(tokensPerSecond: number | null): void;
  /** The training ended (done, failed or cancelled): it no longer counts. */
  end(): void;
}

export function startTrainingThroughput(): TrainingThroughput {
  const key = Symbol('training');
  return {
    report(tokensPerSecond) {
      if (tokensPerSecond !== null && Number.isFinite(tokensPerSecond) && tokensPerSecond >= 0) running.set(key, tokensPerSecond);
    },
    end() {
      running.delete(key);
    },
  };
}

/** Tokens per second over every training running in this process now; 0 when none is. */
export function trainingTokensPerSecond(): number {
  let sum = 0;
  for (const value of running.values()) sum += value;
  return sum;
}

/** How many trainings of this process have reported a figure and not ended. */
export function trainingsReporting(): number {
  return running.size;
}
