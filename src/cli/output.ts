import { ApplicationFailure, type TemporalFailure } from '@temporalio/common';
import type { WorkflowFailedError } from '@temporalio/client';

/** Exit codes: scripts and CI tell a failed pipeline from one that ran but deployed nothing. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notDeployed: 3 } as const;

/** `--json`: one machine-readable object as the last line of output. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value));
}

/** The innermost failure's message: that is where the activity said what was wrong. */
export function failureMessage(err: WorkflowFailedError): string {
  let cause: Error | undefined = err.cause;
  let message = err.message;
  while (cause) {
    message = cause.message || message;
    if (cause instanceof ApplicationFailure) break;
    cause = (cause as TemporalFailure).cause;
  }
  return message;
}
