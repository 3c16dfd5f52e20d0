import { duration, num, seconds } from './format';
import { Html, html, keyValues, table } from './html';
import type { RunReport, RunSection } from './report-model';
import { dataSection } from './sections/data';
import { abTestSection, gateSection, readinessSection } from './sections/deployment';
import { evaluationSection } from './sections/evaluation';
import { lineageSection } from './sections/lineage';
import { planSection } from './sections/plan';
import { trainingSection } from './sections/training';

/**
 * The run report as one self-contained HTML file: inline styles and SVG charts, no scripts, no fonts, images or
 * anything else to fetch; the content security policy forbids the page to load anything at all.
 */
export function renderRunReport(report: RunReport): string {
  const { run } = report;
  const title = `Run report: ${run.pipeline} (${run.workflowId})`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tempered report">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<header>
<h1>Run report: ${run.pipeline}</h1>
${summary(report)}
</header>
<nav><ol>${NAV.map(([id, name]) => html`<li><a href="#${id}">${name}</a></li>`)}</ol></nav>
<main>
${phases(run)}
${planSection(run, report.plan)}
${dataSection(run, report.data)}
${trainingSection(run, report.training)}
${evaluationSection(run, report.evaluation)}
${readinessSection(run, report.readiness, report.gate)}
${gateSection(run, report.gate)}
${abTestSection(run, report.abTest)}
${lineageSection(run, report.lineage)}
</main>
<footer>Made by tempered report at ${report.generatedAt}.</footer>
</body>
</html>
`;
  return page.text;
}

const NAV: [string, string][] = [
  ['phases', 'Phases'],
  ['plan', 'Plan'],
  ['data', 'Data quality'],
  ['training', 'Training'],
  ['evaluation', 'Evaluation'],
  ['readiness', 'Readiness'],
  ['gate', 'Gate and approval'],
  ['ab-test', 'A/B test'],
  ['lineage', 'Lineage'],
];

const OUTCOMES: Record<string, string> = {
  deployed: 'deployed',
  'gate-failed': 'stopped at the gate: nothing deployed',
  rejected: 'rejected at approval: nothing deployed',
};

function summary(report: RunReport): Html {
  const { run } = report;
  const state = run.state === 'COMPLETED' ? OUTCOMES[run.outcome ?? ''] ?? 'completed' : run.state.toLowerCase().replace('_', ' ');
  const cls = run.state === 'COMPLETED' ? (run.outcome === 'deployed' ? 'pass' : 'fail') : run.state === 'RUNNING' ? 'pending' : 'fail';
  return html`<p class="state ${cls}">${state}</p>
${keyValues([
  ['workflow', html`<code>${run.workflowId}</code>`],
  ['run', run.runId ? html`<code>${run.runId}</code>` : null],
  ['monitoring', run.monitoringWorkflowId ? html`loop <code>${run.monitoringWorkflowId}</code>` : undefined],
])}
${run.failure ? html`<div class="failure"><strong>Failed:</strong> <pre>${run.failure}</pre></div>` : ''}
${run.warnings.length ? html`<ul class="warnings">${run.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
${report.problems.length ? html`<div class="problems"><strong>Parts of this report are missing:</strong><ul>${report.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}`;
}

function phases(run: RunSection): Html {
  const rows = run.phases.map((p, i) => [
    `${i + 1} ${p.name}`,
    html`<span class="phase-${p.state}">${p.state}</span>`,
    p.startedAt ?? '',
    duration(seconds(p.startedAt, p.finishedAt)),
    Object.entries(p.summary)
      .map(([k, v]) => `${k} ${typeof v === 'number' ? num(v) : String(v)}`)
      .join(', '),
  ]);
  return html`<section id="phases"><h2>Phases</h2>${run.phasesFromStatus ? '' : html`<p class="meta">From the run's result: its status (with the phases' times and figures) could not be read.</p>`}${table(['phase', 'state', 'started', 'took', 'recorded'], rows)}</section>`;
}

/** Our own constant: inserted as is, since a style element's text is not HTML (an entity there stays an entity). */
const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #ffffff; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 20px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 36px; }
h3 { font-size: 16px; margin: 20px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; }
nav ol { display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; list-style: none; margin: 12px 0; }
nav a { color: #0969da; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 14px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.empty { color: #57606a; font-style: italic; }
.wide { overflow-x: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
dl.facts dt { color: #57606a; }
dl.facts dd { margin: 0; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 0 3px; border-radius: 3px; word-break: break-all; }
pre { white-space: pre-wrap; word-break: break-word; font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; margin: 4px 0 0; }
.text { white-space: pre-wrap; max-width: 360px; }
.meta, .ci { color: #57606a; font-size: 13px; }
.pass { color: #1a7f37; font-weight: 600; }
.fail { color: #cf222e; font-weight: 600; }
.pending { color: #9a6700; font-weight: 600; }
.state { font-size: 18px; margin: 0 0 8px; }
.phase-failed { color: #cf222e; font-weight: 600; }
.phase-running { color: #9a6700; font-weight: 600; }
.phase-pending, .phase-skipped { color: #57606a; }
.absent { color: #57606a; font-style: italic; background: #f6f8fa; border-left: 3px solid #d0d7de; padding: 6px 10px; }
.live { background: #fff8c5; border-left: 3px solid #9a6700; padding: 6px 10px; }
.failure, .problems { background: #ffebe9; border-left: 3px solid #cf222e; padding: 6px 10px; margin: 8px 0; }
.warnings li { color: #9a6700; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 8px 0; }
ul.evidence { margin: 0; padding-left: 18px; }
footer { margin-top: 40px; color: #57606a; font-size: 13px; }
@media print { nav { display: none; } body { max-width: none; } }
`;
