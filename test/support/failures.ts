import { ApplicationFailure } from '@temporalio/common';

/** The innermost cause of a workflow failure: where the activity said what was wrong. */
export function innermost(err: unknown): Error | undefined {
  let cause = err as Error & { cause?: Error };
  while (cause?.cause) cause = cause.cause as Error & { cause?: Error };
  return cause;
}

/** The ApplicationFailure a failed run ended with; fails the test if it ended otherwise. */
export function applicationFailureOf(err: unknown): ApplicationFailure {
  const cause = innermost(err);
  if (!(cause instanceof ApplicationFailure)) throw new Error(`expected an ApplicationFailure, got ${String(err)}`);
  return cause;
}
