/** One generation as every runtime of the benchmark reports it. */
export interface Answer {
  /** Generated tokens, the end-of-sequence token included when the answer ended with one. */
  tokenIds: number[];
  /** Wall time from the request to its last token, prefill included. */
  seconds: number;
}

/** A runtime under test: answers every prompt, one request at a time, in order. */
export interface Contender {
  readonly name: string;
  /** One unmeasured generation: first-call allocations and lazy initialisation stay out of the rounds. */
  warmUp(): Promise<void>;
  round(): Promise<Answer[]>;
  close(): Promise<void>;
}

/** New tokens per second of wall time over a whole round. */
export function tokensPerSecond(answers: Answer[]): number {
  const tokens = answers.reduce((n, a) => n + a.tokenIds.length, 0);
  return tokens / answers.reduce((s, a) => s + a.seconds, 0);
}

export function sameAnswers(a: Answer[], b: Answer[]): number {
  return a.filter((answer, i) => answer.tokenIds.join(',') === b[i]!.tokenIds.join(',')).length;
}
