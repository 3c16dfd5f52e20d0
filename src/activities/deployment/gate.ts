import { openArtifactStore } from '../../artifacts/store';
import type { EvaluationResult, GateCheck, GateResult, PipelineSpec } from '../../pipeline/types';
import type { Threshold } from '../../spec/schema';

export interface GateInput {
  spec: PipelineSpec;
  baseline: EvaluationResult;
  fineTuned: EvaluationResult;
}

/**
 * The deployment gate: every success metric of the requirements against the fine-tuned model's scores,
 * plus, when asked, a better score than the base model. The evidence is stored so an approver sees it.
 */
export async function applyGate({ spec, baseline, fineTuned }: GateInput): Promise<GateResult> {
  const checks = gateChecks(spec, baseline.metrics, fineTuned.metrics);
  const passed = checks.every((c) => c.passed);
  const evidence = await openArtifactStore().putJson({
    kind: 'tempered.gate-evidence/v1',
    pipeline: spec.name,
    passed,
    checks,
    baseline: { metrics: baseline.metrics, samples: baseline.samples, predictions: baseline.predictions, report: baseline.report },
    fineTuned: { metrics: fineTuned.metrics, samples: fineTuned.samples, predictions: fineTuned.predictions, report: fineTuned.report },
  });
  return { passed, checks, evidence };
}

export function gateChecks(spec: PipelineSpec, baseline: EvaluationResult['metrics'], tuned: EvaluationResult['metrics']): GateCheck[] {
  const checks: GateCheck[] = [];
  const metrics = spec.requirements.success_metrics;
  const add = (metric: string, value: number, t: Threshold | undefined) => {
    if (t) checks.push({ metric, value, op: t.op, threshold: t.value, passed: compare(value, t) });
  };
  add('accuracy', tuned.accuracy, metrics.accuracy);
  add('response_time', tuned.response_time, metrics.response_time);
  add('consistency', tuned.consistency, metrics.consistency);
  if (spec.deployment.gate.require_improvement_over_baseline) {
    // Token F1 moves with every better word, so small test sets still show a real difference.
    add('token_f1_gain_over_baseline', tuned.token_f1 - baseline.token_f1, { op: '>', value: 0 });
  }
  return checks;
}

function compare(value: number, t: Threshold): boolean {
  switch (t.op) {
    case '>=':
      return value >= t.value;
    case '>':
      return value > t.value;
    case '<=':
      return value <= t.value;
    case '<':
      return value < t.value;
    default:
      throw new Error(`unknown comparison ${String(t.op)}`);
  }
}
