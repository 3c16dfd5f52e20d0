import { log } from '@temporalio/activity';
import { alertTargets } from '../../config/alert-targets';
import { fail } from '../../failures';
import type { HealthReport } from '../../pipeline/types';

export interface AlertInput {
  pipeline: string;
  modelVersion: number;
  report: HealthReport;
  /** A target name from the workers' TEMPERED_ALERT_TARGETS; null: the worker log only. */
  target: string | null;
}

/**
 * Tells people about a breach: a JSON POST (Slack-compatible `text`) to the URL the workers configure for
 * the target, and the worker log. The URL stays in this process: errors name the target, never the URL.
 */
export async function sendAlert(input: AlertInput): Promise<void> {
  const text = `Tempered: ${input.pipeline} v${input.modelVersion} breached its thresholds: ${input.report.breaches.join('; ')}`;
  log.warn(text, { pipeline: input.pipeline, modelVersion: input.modelVersion, breaches: input.report.breaches });
  if (!input.target) return;
  const url = alertTargets().get(input.target);
  if (!url) throw fail('AlertTargetUnknown', `alert target "${input.target}" is not configured on this worker (TEMPERED_ALERT_TARGETS)`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, pipeline: input.pipeline, modelVersion: input.modelVersion, report: input.report }),
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
  } catch (err) {
    // A fetch error's cause names the address; a fresh error without a cause keeps it out of history.
    throw new Error(`alert target "${input.target}" unreachable (${(err as Error).name})`);
  }
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw fail('AlertRejected', `alert target "${input.target}" answered ${response.status}`);
  }
  if (!response.ok) throw new Error(`alert target "${input.target}" answered ${response.status}`);
}
