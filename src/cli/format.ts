import type { PipelineResult, PipelineStatus } from '../pipeline/types';
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
  if (status.awaitingApproval) {
    lines.push(`  waiting for approval by ${status.awaitingApproval.approvers.join(', ') || 'anyone'} until ${status.awaitingApproval.deadline}`);
    lines.push(`  evidence: ${status.awaitingApproval.evidence.uri}`);
  }
  for (const w of status.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}

export function formatActivity(a: ActivityProgress): string | null {
  const d = a.details;
  if (!d) return null;
  if (a.activity === 'fineTune') {
    return `training step ${d.step}/${d.totalSteps ?? '?'} loss ${n(d.loss as number)}${d.evalLoss != null ? ` eval loss ${n(d.evalLoss as number)}` : ''}`;
  }
  if (a.activity === 'evaluateModel' && d.total) return `evaluating ${d.done}/${d.total}`;
  if (a.activity === 'prepareData' && d.records) return `data: ${d.records} records read`;
  return null;
}

/** The end-of-run summary: every phase's real result. */
export function formatSummary(r: PipelineResult): string {
  const c = r.data;
  const gate = r.gate.checks.map((g) => `${g.metric} ${n(g.value)} ${g.op} ${g.threshold} ${g.passed ? 'ok' : 'FAILED'}`).join(', ');
  return [
    `Pipeline ${r.pipeline}: ${r.outcome}`,
    `  1 planning      approach ${r.plan.approach}; ${r.plan.gpuMemoryGb ?? '?'} GB GPU memory estimated; guideline ${r.plan.minimumExamples}+ examples; targets ${r.plan.successMetrics.join(', ') || 'none'}`,
    `  2 data          ${c.collected} collected, ${c.kept} kept (dropped ${c.dropped.low_satisfaction} low satisfaction, ${c.dropped.incomplete} incomplete, ${c.dropped.duplicate + c.dropped.near_duplicate} duplicate); ${c.redacted} redacted; split ${c.train}/${c.validation}/${c.test}`,
    `  3 experiment    baseline accuracy ${n(r.baseline.accuracy)}, token F1 ${n(r.baseline.token_f1)}, test loss ${n(r.baseline.loss)}; trained ${r.training.steps} steps, train loss ${n(r.training.trainLoss)}, best eval loss ${n(r.training.bestEvalLoss)}${r.training.earlyStopped ? ' (early stopped)' : ''}`,
    `  4 evaluation    accuracy ${n(r.fineTuned.accuracy)}, token F1 ${n(r.fineTuned.token_f1)}, test loss ${n(r.fineTuned.loss)}, p95 response ${n(r.fineTuned.response_time, 2)} s, consistency ${n(r.fineTuned.consistency)}`,
    `  5 deployment    gate ${r.gate.passed ? 'passed' : 'failed'} (${gate})` +
      (r.approval ? `; ${r.approval.decision} by ${r.approval.by} (${r.approval.mode})` : '') +
      (r.modelVersion ? `; registered ${r.modelVersion.name} v${r.modelVersion.version} (${r.modelVersion.stage})` : ''),
    `  6 monitoring    ${r.monitoringWorkflowId ? `loop ${r.monitoringWorkflowId} running` : 'not started'}`,
    ...r.plan.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}
