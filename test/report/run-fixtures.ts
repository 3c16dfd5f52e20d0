import type { DataReport } from '../../src/activities/data/report';
import type { ArtifactStore } from '../../src/artifacts/store';
import { PHASES, type EvaluationResult, type PhaseStatus, type PipelineStatus } from '../../src/pipeline/types';
import type { RunSnapshot } from '../../src/report/collect-report';
import { emptyRunFacts } from '../../src/report/run-facts';

/** Text a run can carry from its input or its model: each piece must reach the page as text, never as markup. */
export const HOSTILE = {
  objective: 'Answer <b>support</b> questions & "refunds" <script>alert(1)</script>',
  file: 'chats/<img src=x onerror=alert(2)>.jsonl',
  answer: '</td></tr></table><script>alert(3)</script><a href="https://evil.example/">click</a>',
  category: '<svg onload=alert(4)>',
  failure: 'chat.jsonl:3: invalid JSON near "<iframe src=//evil.example>"',
};

const metrics = (accuracy: number, tokenF1: number, loss: number): EvaluationResult['metrics'] => ({
  accuracy,
  token_f1: tokenF1,
  exact_match: 0,
  rouge_l: tokenF1 * 0.9,
  chrf: tokenF1 * 1.1,
  response_time: 0.42,
  consistency: 1,
  loss,
  perplexity: Math.exp(loss),
});
const intervals = (m: EvaluationResult['metrics'], width: number) =>
  Object.fromEntries(
    (['accuracy', 'token_f1', 'rouge_l', 'chrf', 'consistency', 'response_time'] as const).map((k) => [k, { lower: Math.max(0, m[k]! - width), upper: m[k]! + width, level: 0.95 }]),
  );

/**
 * A run of a six-example pipeline that stopped at the gate (accuracy below its bar), with every artifact its report
 * reads stored in `store`: the data report, the audit, the loss curve, both evaluations, the arms, the gate evidence
 * and the export lineage.
 */
export async function gateFailedRun(store: ArtifactStore): Promise<RunSnapshot> {
  const train = await store.putBytes('{"messages":[]}\n');
  const validation = await store.putBytes('{"messages":[]}\n');
  const test = await store.putBytes('{"messages":[]}\n');
  const audit = await store.putBytes(`{"file":"${HOSTILE.file}","line":7,"action":"dropped","reason":"duplicate"}\n`);
  const dataReport: DataReport = {
    kind: 'tempered.data-report/v2',
    pipeline: 'tiny-support',
    counts: { collected: 9, kept: 6, redacted: 1, train: 4, validation: 1, test: 1, dropped: { low_satisfaction: 2, incomplete: 0, duplicate: 1, near_duplicate: 0, superseded: 0, skipped: 0 } } as DataReport['counts'],
    scores: { completeness: 1, consistency: 0.95, accuracy: 1, duplicate_rate: 0.1, distinct_2: 0.8, category_balance: 0.7, largest_cluster_share: 0.1, contamination: 0 },
    checks: [
      { measure: 'completeness', value: 1, op: '>=', threshold: 0.95, passed: true },
      { measure: 'duplicate_rate', value: 0.1, op: '<=', threshold: 0.2, passed: true },
    ],
    passed: true,
    thresholds: {} as DataReport['thresholds'],
    split: {} as DataReport['split'],
    deduplication: {} as DataReport['deduplication'],
    categories: { billing: 4, [HOSTILE.category]: 2 },
    pii: { EMAIL: 1 },
    sources: [{ file: HOSTILE.file, source: 0, expert: false, sha256: 'b'.repeat(64), records: 9, kept: 6, dropped_at_source: 2 }],
    contamination: { rate: 0, meanOverlap: 0.05, contaminated: 0, tested: 1, examples: [] },
    first: {},
    audit: {
      counts: { low_satisfaction: 2, duplicate: 1, redacted: 1 },
      samples: { duplicate: [{ file: HOSTILE.file, line: 7, action: 'dropped', reason: 'duplicate', of: { file: HOSTILE.file, line: 2 } }], redacted: [{ file: 'faq.csv', line: 3, action: 'redacted', reason: 'pii', kinds: ['EMAIL'] }] },
    },
    problems: { listed: [], total: 0 },
  };
  const report = await store.putJson(dataReport);
  const curve = await store.putJson({
    kind: 'tempered.loss-curve/v1',
    train: Array.from({ length: 12 }, (_, i) => [i + 1, 5.6 - 0.2 * i]),
    validation: [[4, 5.3], [8, 5.0], [12, 4.8]],
  });
  const baseMetrics = metrics(0, 0.05, 5.8);
  const tunedMetrics = metrics(0, 0.11, 4.9);
  const predictions = await store.putBytes(
    [
      { id: 'test-1', category: HOSTILE.category, reference: 'Refunds take 5 days.', prediction: HOSTILE.answer, latency_s: 0.4, new_tokens: 8 },
      { id: 'test-2', category: 'billing', reference: 'Use the portal & pay.', prediction: 'Use the portal', latency_s: 0.3, new_tokens: 3 },
    ]
      .map((p) => JSON.stringify(p))
      .join('\n') + '\n',
  );
  const evaluationReport = await store.putJson({ kind: 'tempered.evaluation/v1', perSample: [{ id: 'test-1', token_f1: 0.1, accurate: false }, { id: 'test-2', token_f1: 0.8, accurate: true }] });
  const baseline: EvaluationResult = { model: 'base', arm: 'base', runtime: 'onnx', samples: 2, metrics: baseMetrics, intervals: intervals(baseMetrics, 0.04), predictions, report: evaluationReport };
  const fineTuned: EvaluationResult = { ...baseline, model: 'fine-tuned', arm: 'fine-tuned', metrics: tunedMetrics, intervals: intervals(tunedMetrics, 0.05) };
  const arms = {
    rows: [
      { arm: 'base' as const, samples: 2, metrics: baseMetrics, intervals: baseline.intervals!, vsBase: null, report: evaluationReport },
      { arm: 'fine-tuned' as const, samples: 2, metrics: tunedMetrics, intervals: fineTuned.intervals!, vsBase: { token_f1: { difference: 0.06, lower: 0.01, upper: 0.11, pValue: 0.03 } }, report: evaluationReport },
    ],
    report: evaluationReport,
  };
  const gateChecks = [
    { metric: 'accuracy', value: 0, op: '>=' as const, threshold: 0.99, passed: false, interval: { lower: 0, upper: 0.05, level: 0.95 }, compared: 0, mode: 'point' as const },
    { metric: 'security.pii_leaks', value: 1, op: '>=' as const, threshold: 1, passed: true, mode: 'readiness' as const },
  ];
  const evidence = await store.putJson({
    kind: 'tempered.gate-evidence/v1',
    passed: false,
    checks: gateChecks,
    readiness: { passed: true, checks: [{ name: 'security.pii_leaks', passed: true, evidence: { answers: 12, leaks: 0, note: HOSTILE.answer } }], report: evidenceRefPlaceholder },
  });
  const modelDir = await store.putBytes('adapter');
  const onnx = await store.putBytes('onnx graph');
  const lineage = await store.putJson({
    kind: 'tempered.export-lineage/v1',
    baseModel: { id: 'tiny:llama', ggufFile: null },
    specHash: 'c'.repeat(64),
    datasets: { train, validation, test },
    training: { model: modelDir },
    code: { package: 'tempered', version: '0.1.0', commit: 'd'.repeat(40) },
    trainerPackages: { torch: '2.13.0', transformers: '4.57.6' },
  });
  const phases: PhaseStatus[] = PHASES.map((name) => ({ name, state: 'completed', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:30.000Z', summary: {} }));
  phases[4]!.summary = { gate: 'failed', accuracy: '0 >= 0.99: FAIL' };
  phases[5] = { name: 'continuous-improvement', state: 'skipped', summary: { skipped: 'nothing was deployed' } };
  const status: PipelineStatus = {
    pipeline: 'tiny-support',
    phase: 'done',
    progress: { completed: 5, total: 6 },
    phases,
    metrics: {},
    warnings: ['dataset has 6 examples; the guideline for lora is 1000+'],
    awaitingApproval: null,
    estimate: { hardware: 'cpu', trials: 1, steps: 12, tokens: 4000, tokensPerS: 210, seconds: 19, costUsd: null, notes: ['measured CPU point'], actual: { estimatedS: 19, actualS: 25, ratio: 1.32, estimatedSteps: 12, actualSteps: 12 } },
    arms,
    outOfDomain: null,
    variants: {
      reference: 'onnx',
      rows: [{ runtime: 'onnx-quantized', samples: 2, sameAnswers: 1, agreement: 0.5, metrics: tunedMetrics, intervals: null, vsReference: { token_f1: { difference: -0.04, lower: -0.08, upper: 0, pValue: 0.5 } }, report: evaluationReport }],
      report: evaluationReport,
    },
    sweep: null,
    outcome: 'gate-failed',
    facts: {
      ...emptyRunFacts(),
      specHash: 'c'.repeat(64),
      requirements: { business_objective: HOSTILE.objective, target_users: 'Support agents', approach: { knowledge_changes_often: false, needs_style_adaptation: true, needs_external_actions: false, external_api_available: false } },
      baseModel: { id: 'tiny:llama', ggufFile: null, method: 'lora' },
      plan: { approach: 'fine-tuning', reasons: ['answers must follow a specific style or format: fine-tuning teaches it'], warnings: [], parameters: 100_000, gpuMemoryGb: 0.5, minimumExamples: 1000, successMetrics: ['accuracy >= 0.99'] },
      data: { train, validation, test, report, audit, counts: dataReport.counts as never, scores: dataReport.scores, categories: dataReport.categories, cached: false },
      baseline,
      training: { model: modelDir, steps: 12, trainLoss: 4.5, finalLoss: 3.4, bestEvalLoss: 4.8, bestStep: 12, earlyStopped: false, resumedFromStep: null, runtimeS: 25, curve },
      exports: { adapter: modelDir, merged: null, onnx, onnxQuantized: null, lineage },
      fineTuned,
      gate: { passed: false, checks: gateChecks, evidence },
    },
    report: null,
  };
  return { workflowId: 'tiny-support-gate-1', runId: 'run-1', state: 'COMPLETED', status, result: null, failure: null };
}

/** The readiness report a gate evidence document points at; the report never opens it. */
const evidenceRefPlaceholder = { uri: 'file:///nowhere/sha256/00/00', sha256: '0'.repeat(64), size: 0 };

/** The same run as it stood when its experiment phase failed: later phases pending, their facts unset. */
export function failedInExperiment(run: RunSnapshot): RunSnapshot {
  const status = structuredClone(run.status!);
  status.phases = status.phases.map((p, i) => (i < 2 ? p : i === 2 ? { ...p, state: 'failed', finishedAt: p.finishedAt } : { name: p.name, state: 'pending', summary: {} }));
  status.phase = 'failed';
  status.outcome = null;
  status.arms = null;
  status.facts = { ...status.facts!, training: null, exports: null, fineTuned: null, gate: null };
  return { ...run, state: 'FAILED', status, failure: HOSTILE.failure };
}
