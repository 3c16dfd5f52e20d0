import { openArtifactStore } from '../../artifacts/store';
import { measureDrift, type DriftFeature } from '../../monitoring/input-drift';
import type { InputFeatures } from '../../monitoring/input-features';
import type { HealthReport, PipelineSpec } from '../../pipeline/types';
import { percentile } from '../evaluation/metrics';
import { outcomesPerAnswer, readFeedbackWindow } from '../../serving/feedback-log';
import { driftReferenceOf } from './drift-reference';

export interface HealthInput {
  pipeline: string;
  modelVersion: number;
  from: string | null;
  to: string;
  thresholds: PipelineSpec['monitoring']['thresholds'];
}

/** Production metrics of one model version over one window, compared with the spec's thresholds. */
export async function checkProductionHealth(input: HealthInput): Promise<HealthReport> {
  const store = openArtifactStore();
  const logged = await readFeedbackWindow(store, input.pipeline, input.modelVersion, { from: input.from, to: input.to });
  const { requests } = logged;
  // Feedback may come in a later window than its answer, so it cannot be matched to a request here; one per answer still.
  const feedback = outcomesPerAnswer(logged.feedback);
  const t = input.thresholds;
  const window = { from: input.from ?? '', to: input.to };
  if (requests.length < t.min_samples) {
    return { window, samples: requests.length, accuracy: null, satisfaction: null, responseTimeP95: null, errorRate: null, drift: null, breaches: [], insufficient: true };
  }
  const answered = requests.filter((e) => !e.error && !e.cancelled);
  // Accuracy is what users said about answers; a window with too little feedback says nothing about it.
  const accuracy = feedback.length >= t.min_samples ? feedback.filter((e) => e.resolved).length / feedback.length : null;
  const ratings = feedback.flatMap((e) => (e.rating === undefined ? [] : [e.rating]));
  const satisfaction = ratings.length >= t.min_samples ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null;
  const errorRate = (requests.length - answered.length) / requests.length;
  const responseTimeP95 = answered.length ? percentile(answered.map((e) => e.latency_s), 0.95) : 0;
  const features = requests.flatMap((e): InputFeatures[] => (e.features ? [e.features] : []));
  const reference = features.length >= t.min_samples ? await driftReferenceOf(store, input.pipeline, input.modelVersion) : null;
  const drift = reference ? measureDrift(reference, features) : null;

  const breaches: string[] = [];
  if (accuracy !== null && accuracy < t.min_accuracy) breaches.push(`accuracy ${accuracy.toFixed(3)} < ${t.min_accuracy}`);
  if (satisfaction !== null && t.min_satisfaction !== undefined && satisfaction < t.min_satisfaction) {
    breaches.push(`satisfaction ${satisfaction.toFixed(2)} < ${t.min_satisfaction}`);
  }
  if (responseTimeP95 > t.max_response_time) breaches.push(`response time p95 ${responseTimeP95.toFixed(2)} s > ${t.max_response_time} s`);
  if (errorRate > t.max_error_rate) breaches.push(`error rate ${errorRate.toFixed(3)} > ${t.max_error_rate}`);
  for (const [feature, psi] of Object.entries(drift?.psi ?? {}) as [DriftFeature, number][]) {
    if (psi > t.max_input_drift) breaches.push(`input drift: ${feature} PSI ${psi.toFixed(3)} > ${t.max_input_drift}`);
  }
  return { window, samples: requests.length, accuracy, satisfaction, responseTimeP95, errorRate, drift, breaches, insufficient: false };
}
