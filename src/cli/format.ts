import { describeTrial } from '../pipeline/sweep';
import type { ArmsTable, OutOfDomainResult, PairedChange, PipelineResult, PipelineStatus, SweepTrial, VariantsTable } from '../pipeline/types';
import type { ActivityProgress } from './live-status';

const n = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : String(Math.round(x * 10 ** digits) / 10 ** digits));

/** One line per phase, with the headline numbers each phase recorded. */
export function formatStatus(status: PipelineStatus): string {
  const lines = [`${status.pipeline}: phase ${status.phase} (${status.progress.completed}/${status.progress.total} phases done)`];
  status.phases.forEach((p, i) => {
    const summary = Object.entries(p.summary)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? n(v) : v}`)
      .join(' ');
    lines.push(`  ${i + 1} ${p.name.padEnd(22)} ${p.state.padEnd(9)} ${summary}`);
  });
  if (status.arms) lines.push(...formatArms(status.arms));
  if (status.variants) lines.push(...formatVariants(status.variants));
  if (status.estimate) lines.push(`  training estimate: ${formatEstimate(status.estimate)}`);
  for (const note of status.estimate?.notes ?? []) lines.push(`    ${note}`);
  if (status.sweep) {
    lines.push(`  sweep (${status.sweep.strategy}), ranked by validation loss:`);
    for (const t of status.sweep.trials) lines.push(formatTrial(t, t.index === status.sweep.bestTrial));
  }
  if (status.awaitingApproval) {
    lines.push(`  waiting for approval by ${status.awaitingApproval.approvers.join(', ') || 'anyone'} until ${status.awaitingApproval.deadline}`);
    lines.push(`  evidence: ${status.awaitingApproval.evidence.uri}`);
  }
  for (const w of status.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

/** ` [0.02, 0.15]`: a metric's 95% interval, when the result has one. */
function ci(intervals: Record<string, { lower: number; upper: number }> | null | undefined, metric: string): string {
  const i = intervals?.[metric];
  return i ? ` [${n(i.lower)}, ${n(i.upper)}]` : '';
}

/** `+0.061 [0.014, 0.105] p=0.017`: a paired difference, its interval and p-value. */
const change = (c: PairedChange) => `${c.difference >= 0 ? '+' : ''}${n(c.difference)} [${n(c.lower)}, ${n(c.upper)}] p=${n(c.pValue)}`;
const orNa = (c: PairedChange | undefined) => (c ? change(c) : 'n/a');

/** The approaches side by side: each metric with its interval, and the token F1 difference to the base model. */
function formatArms(table: ArmsTable): string[] {
  const cell = (row: ArmsTable['rows'][number], metric: 'accuracy' | 'token_f1' | 'chrf') => `${n(row.metrics[metric])}${ci(row.intervals, metric)}`.padEnd(22);
  const lines = [`  arms          ${'arm'.padEnd(11)} ${'accuracy'.padEnd(22)} ${'token F1'.padEnd(22)} ${'chrF'.padEnd(22)} p95 s  token F1 vs base`];
  for (const row of table.rows) {
    const vs = row.vsBase?.token_f1;
    const diff = vs ? change(vs) : '';
    lines.push(`                ${row.arm.padEnd(11)} ${cell(row, 'accuracy')} ${cell(row, 'token_f1')} ${cell(row, 'chrf')} ${n(row.metrics.response_time, 2).padEnd(6)} ${diff}`.trimEnd());
  }
  return lines;
}

/** The model's other graphs: answers left as the evaluated graph gave them, and each one's change in token F1 and accuracy. */
function formatVariants(table: VariantsTable): string[] {
  const vs = `vs ${table.reference}`;
  const lines = [`  variants      ${'graph'.padEnd(15)} ${'same answers'.padEnd(13)} ${`token F1 ${vs}`.padEnd(32)} ${`accuracy ${vs}`.padEnd(32)} p95 s`];
  for (const row of table.rows) {
    const same = `${row.sameAnswers}/${row.samples}`;
    lines.push(`                ${row.runtime.padEnd(15)} ${same.padEnd(13)} ${orNa(row.vsReference?.token_f1).padEnd(32)} ${orNa(row.vsReference?.accuracy).padEnd(32)} ${n(row.metrics.response_time, 2)}`);
  }
  return lines;
}

function formatEstimate(e: NonNullable<PipelineResult['estimate']>): string {
  const planned = `${e.steps} steps, ${e.tokens} tokens on ${e.hardware}: ${e.seconds === null ? 'time unknown' : `${e.seconds} s`}` + (e.costUsd === null ? '' : `, $${e.costUsd}`);
  if (!e.actual) return `${planned} (estimated)`;
  return `${planned} estimated; took ${e.actual.actualS} s for ${e.actual.actualSteps} steps` + (e.actual.ratio === null ? '' : ` (${e.actual.ratio} x the estimate)`);
}

function formatTrial(t: SweepTrial, best: boolean): string {
  const outcome = t.state === 'completed' ? `eval loss ${n(t.bestEvalLoss)} after ${t.steps} steps` : t.state === 'failed' ? `failed: ${t.error}` : t.state;
  return `    ${best ? '*' : ' '} trial ${t.index} ${describeTrial(t.params).padEnd(36)} ${outcome}`;
}

export function formatActivity(a: ActivityProgress): string | null {
  const d = a.details;
  if (!d) return null;
  if (a.activity === 'fineTune') {
    return `training step ${d.step}/${d.totalSteps ?? '?'} loss ${n(d.loss as number)}${d.evalLoss != null ? ` eval loss ${n(d.evalLoss as number)}` : ''}`;
  }
  if (a.activity === 'evaluateModel' && d.total) return `evaluating ${d.done}/${d.total}`;
  if (a.activity === 'checkReadiness' && d.check) return `readiness ${d.check} ${d.done}/${d.total}`;
  if ((a.activity === 'exportModel' || a.activity === 'exportBaseModel') && d.phase) return `${a.activity === 'exportBaseModel' ? 'base model export' : 'export'}: ${d.phase}`;
  if (a.activity === 'prepareData' && d.records) return `data: ${d.records} records read`;
  return null;
}

/** The end-of-run summary: every phase's real result. */
export function formatSummary(r: PipelineResult): string {
  const c = r.data;
  const readiness = r.gate.checks.filter((g) => g.mode === 'readiness');
  const gate = r.gate.checks
    .filter((g) => g.mode !== 'readiness')
    .map((g) => `${g.metric} ${n(g.value)}${g.interval ? ` [${n(g.interval.lower)}, ${n(g.interval.upper)}]` : ''}${g.pValue !== undefined ? ` p=${n(g.pValue)}` : ''} ${g.op} ${g.threshold} ${g.passed ? 'ok' : 'FAILED'}`)
    .join(', ');
  return [
    `Pipeline ${r.pipeline}: ${r.outcome}`,
    `  1 planning      approach ${r.plan.approach}; ${r.plan.gpuMemoryGb ?? '?'} GB GPU memory estimated; guideline ${r.plan.minimumExamples}+ examples; targets ${r.plan.successMetrics.join(', ') || 'none'}`,
    `  2 data          ${c.collected} collected, ${c.kept} kept (dropped ${c.dropped.low_satisfaction} low satisfaction, ${c.dropped.incomplete} incomplete, ${c.dropped.duplicate + c.dropped.near_duplicate} duplicate); ${c.redacted} redacted; split ${c.train}/${c.validation}/${c.test}`,
    `  3 experiment    baseline accuracy ${n(r.baseline.accuracy)}${ci(r.intervals?.baseline, 'accuracy')}, token F1 ${n(r.baseline.token_f1)}${ci(r.intervals?.baseline, 'token_f1')}, test loss ${n(r.baseline.loss)}; trained ${r.training.steps} steps, train loss ${n(r.training.trainLoss)}, best eval loss ${n(r.training.bestEvalLoss)}${r.training.earlyStopped ? ' (early stopped)' : ''}`,
    ...(r.estimate ? [`  estimate      ${formatEstimate(r.estimate)}`] : []),
    ...(r.exports ? [`  exports       ${[r.exports.merged && `merged ${r.exports.merged.uri}`, r.exports.onnx && `onnx ${r.exports.onnx.uri}`, r.exports.onnxQuantized && `onnx-quantized ${r.exports.onnxQuantized.uri}`, r.exports.onnxGenai && `onnx-genai ${r.exports.onnxGenai.uri}`].filter(Boolean).join('; ')}`] : []),
    `  4 evaluation    ${r.evaluationRuntime ? `on ${r.evaluationRuntime}: ` : ''}accuracy ${n(r.fineTuned.accuracy)}${ci(r.intervals?.fineTuned, 'accuracy')}, token F1 ${n(r.fineTuned.token_f1)}${ci(r.intervals?.fineTuned, 'token_f1')}, test loss ${n(r.fineTuned.loss)}, p95 response ${n(r.fineTuned.response_time, 2)} s, consistency ${n(r.fineTuned.consistency)}`,
    ...(r.arms ? formatArms(r.arms) : []),
    ...(r.variants ? formatVariants(r.variants) : []),
    ...(r.outOfDomain ? [`  out of domain ${formatOutOfDomain(r.outOfDomain)}`] : []),
    ...(readiness.length > 0 ? [`  readiness     ${readiness.map((g) => `${g.metric} ${g.passed ? 'ok' : 'FAILED'}`).join(', ')}`] : []),
    `  5 deployment    gate ${r.gate.passed ? 'passed' : 'failed'} (${gate})` +
      (r.approval ? `; ${r.approval.decision} by ${r.approval.by} (${r.approval.mode})` : '') +
      (r.modelVersion ? `; registered ${r.modelVersion.name} v${r.modelVersion.version} (${r.modelVersion.stage})` : '') +
      // Approved but not rolled out: only when another version's A/B test was still running (see the warning in status).
      (r.modelVersion?.stage === 'candidate' ? ', not tested: another version\'s A/B test is still running' : '') +
      (r.abTestWorkflowId ? `; A/B test ${r.abTestWorkflowId} running against production` : ''),
    `  6 monitoring    ${r.monitoringWorkflowId ? `loop ${r.monitoringWorkflowId} running` : 'not started'}`,
    ...(r.sweep ? [`  sweep         ${r.sweep.trials.length} trials (${r.sweep.strategy}); best:`, ...r.sweep.trials.map((t) => formatTrial(t, t.index === r.sweep!.bestTrial))] : []),
    ...r.plan.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}

/** The out-of-domain set: both models' token F1, the paired change with its interval, the relative drop. */
export function formatOutOfDomain(o: OutOfDomainResult): string {
  const c = o.tokenF1Change;
  const limit = o.maxRelativeDrop !== null ? ` (at most ${n(o.maxRelativeDrop * 100, 0)}% allowed)` : '';
  return `${o.samples} questions, token F1 ${n(o.base.token_f1)} -> ${n(o.fineTuned.token_f1)}, change ${n(c.difference)} [${n(c.lower)}, ${n(c.upper)}] p=${n(c.pValue)}; ${n(o.relativeDrop * 100, 1)}% drop${limit}`;
}
