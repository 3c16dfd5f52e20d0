import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/activity';
import type { HealthReport } from '../../pipeline/types';

export interface AlertInput {
  pipeline: string;
  modelVersion: number;
  report: HealthReport;
  webhook: string | null;
}

/** Tells people about a breach: a JSON POST to the spec's webhook (Slack-compatible `text`), and the worker log. */
export async function sendAlert(input: AlertInput): Promise<void> {
  const text = `Tempered: ${input.pipeline} v${input.modelVersion} breached its thresholds: ${input.report.breaches.join('; ')}`;
  log.warn(text, { pipeline: input.pipeline, modelVersion: input.modelVersion, breaches: input.report.breaches });
  if (!input.webhook) return;
  const response = await fetch(input.webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, pipeline: input.pipeline, modelVersion: input.modelVersion, report: input.report }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status >= 400 && response.status < 500 && response.status !== 429) {
    throw ApplicationFailure.nonRetryable(`alert webhook answered ${response.status}; check monitoring.alert_webhook`, 'AlertRejected');
  }
  if (!response.ok) throw new Error(`alert webhook answered ${response.status}`);
}
