import type { AbTestState } from '../../pipeline/types';
import { artifact, count, interval, num, share, verdict } from '../format';
import { html, keyValues, table, type Html } from '../html';
import type { AbTestSection, GateSection, ReadinessSection, RunSection } from '../report-model';
import { absent, section, whyAbsent } from './reach';

export function readinessSection(run: RunSection, readiness: ReadinessSection | null, gate: GateSection | null): Html {
  if (!readiness) {
    const why = gate?.passed !== null && gate?.passed !== undefined ? 'No readiness checks ran for this run (readiness disabled in the spec, or no ONNX export to run them on).' : whyAbsent(run, 'deployment');
    return section('readiness', '5 Readiness', absent(why));
  }
  return section('readiness', '5 Readiness', [
    html`<p class="verdict">Production readiness: ${verdict(readiness.passed)}</p>`,
    table(
      ['check', 'result', 'evidence'],
      readiness.checks.map((c) => [c.name, verdict(c.passed), evidenceList(c.evidence)]),
    ),
  ]);
}

/** A check's figures; text from the check is shown as text. */
function evidenceList(evidence: Record<string, unknown>): Html {
  const entries = Object.entries(evidence);
  if (entries.length === 0) return html`<span class="meta">not recorded</span>`;
  return html`<ul class="evidence">${entries.map(([k, v]) => html`<li>${k}: ${typeof v === 'number' ? num(v) : typeof v === 'string' ? v : JSON.stringify(v)}</li>`)}</ul>`;
}

export function gateSection(run: RunSection, gate: GateSection | null): Html {
  if (!gate) return section('gate', '6 Gate and approval', absent(whyAbsent(run, 'deployment')));
  const checks = table(
    ['metric', 'value', '95% interval', 'held against the threshold', 'rule', 'p', 'result'],
    gate.checks.map((c) => [
      c.metric.replace(/_/g, ' '),
      c.mode === 'readiness' ? (c.passed ? 'passed' : 'failed') : num(c.value),
      interval(c.interval),
      c.compared !== undefined && c.compared !== c.value ? `${num(c.compared)} (${c.mode === 'interval' ? 'worst end of the interval' : c.mode})` : c.mode === 'readiness' ? '' : 'the value',
      c.mode === 'readiness' ? 'must pass' : `${c.op} ${num(c.threshold)}${c.alpha !== undefined ? `, p < ${num(c.alpha)}` : ''}`,
      c.pValue !== undefined ? num(c.pValue) : '',
      verdict(c.passed),
    ]),
    { numeric: [1], empty: 'the gate had no checks' },
  );
  return section('gate', '6 Gate and approval', [
    html`<p class="verdict">Gate: ${verdict(gate.passed)}${gate.evidence ? html` <span class="meta">evidence ${artifact(gate.evidence)}</span>` : ''}</p>`,
    checks,
    html`<h3>Approval</h3>`,
    approval(run, gate),
  ]);
}

function approval(run: RunSection, gate: GateSection): Html {
  const a = gate.approval;
  if (a) {
    return keyValues([
      ['decision', html`<strong>${a.decision}</strong>`],
      ['by', a.by],
      ['how', { auto: 'automatically, as the spec asks, once the gate passed', human: 'by a person, signed with their key', timeout: 'by the approval timeout' }[a.mode]],
      ['at', a.at],
      ['comment', a.comment ?? undefined],
      ['signature', a.signed ? `key ${a.signed.keyFingerprint}, signed ${a.signed.signedAt}` : 'none (not a person\'s decision)'],
      ['evidence shown', artifact(a.evidence)],
    ]);
  }
  if (gate.awaitingApproval) {
    const w = gate.awaitingApproval;
    return html`<p class="live">Waiting for approval by ${w.approvers.join(', ') || 'anyone'} until ${w.deadline}; the evidence to decide on is ${artifact(w.evidence)}.</p>`;
  }
  if (gate.passed === false) return absent('No approval was asked: the gate failed, so nothing was deployed.');
  return absent(whyAbsent(run, 'deployment'));
}

export function abTestSection(run: RunSection, abTest: AbTestSection | null): Html {
  if (!abTest) {
    const why =
      run.outcome === 'gate-failed'
        ? 'No A/B test: the gate failed, so nothing was deployed.'
        : run.outcome === 'rejected'
          ? 'No A/B test: the deployment was rejected.'
          : run.outcome === 'deployed'
            ? 'No A/B test: the version went to production at once (the spec asks for none, or there was no production version to test it against).'
            : whyAbsent(run, 'deployment');
    return section('ab-test', '7 A/B test', absent(why));
  }
  const r = abTest.running;
  return section('ab-test', '7 A/B test', [
    keyValues([
      ['workflow', html`<code>${abTest.workflowId}</code>`],
      ['candidate', abTest.treatment === null ? null : `v${abTest.treatment}`],
      [
        'now',
        r
          ? `running: v${r.treatment} against production v${r.control}, ${share(r.treatmentShare)} of users, since ${r.startedAt}`
          : abTest.decisions.length
            ? 'decided'
            : abTest.state?.outcome
              ? `ended: ${abTest.state.outcome.decision}`
              : 'not running in the registry',
      ],
      ['decided by', r ? `mSPRT at alpha ${num(r.config.alpha)}, at least ${count(r.config.min_samples)} and at most ${count(r.config.max_samples)} feedback per arm` : undefined],
    ]),
    abTest.decisions.length
      ? table(['stage', 'at', 'why'], abTest.decisions.map((d) => [d.stage, d.at, d.reason]))
      : html``,
    abTest.state ? abTestState(abTest.state) : html`<p class="meta">The test's tallies come from its workflow; they were not at hand when this report was made.</p>`,
  ]);
}

function abTestState(state: AbTestState): Html {
  const arm = (name: string, t: AbTestState['control']) => [name, count(t.requests), count(t.errors), count(t.feedback), share(t.feedback ? t.resolved / t.feedback : null)];
  return html`${table(['arm', 'requests', 'errors', 'feedback', 'resolved'], [arm('control (production)', state.control), arm('treatment (candidate)', state.treatment)], { numeric: [1, 2, 3, 4] })}${keyValues([
    ['looks', count(state.looks)],
    ['always-valid p-value', num(state.pValue)],
    ['difference', state.analysis?.difference === null || !state.analysis ? null : `${num(state.analysis.difference)}${state.analysis.interval ? ` [${num(state.analysis.interval[0])}, ${num(state.analysis.interval[1])}]` : ''}`],
    ['outcome', state.outcome ? `${state.outcome.decision}: ${state.outcome.reason} (${state.outcome.at})` : 'running'],
  ])}`;
}
