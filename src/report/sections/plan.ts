import { count } from '../format';
import { html, keyValues, table, type Html } from '../html';
import type { PlanSection, RunSection } from '../report-model';
import { absent, section, whyAbsent } from './reach';

/** The guide's decision chart, question by question, as the spec answers them. */
const QUESTIONS = [
  ['knowledge_changes_often', 'Does the knowledge behind the answers change often?'],
  ['needs_style_adaptation', 'Must answers follow a specific style or format?'],
  ['needs_external_actions', 'Are actions or live data from other systems needed?'],
  ['external_api_available', 'Is there an API to take those actions or fetch that data?'],
] as const;

export function planSection(run: RunSection, plan: PlanSection | null): Html {
  if (!plan) return section('plan', '1 Plan', absent(whyAbsent(run, 'planning')));
  const { requirements, baseModel } = plan;
  const p = plan.plan;
  const chart = requirements
    ? table(
        ['question', 'answer'],
        QUESTIONS.map(([key, question]) => [question, requirements.approach[key] ? 'yes' : 'no']),
      )
    : absent('The spec\'s answers to the decision chart were not recorded for this run.');
  return section('plan', '1 Plan', [
    requirements ? keyValues([['business objective', requirements.business_objective], ['target users', requirements.target_users]]) : html``,
    html`<h3>Decision chart: fine-tuning, RAG or function calling</h3>`,
    chart,
    html`<p class="verdict">Approach: <strong>${p.approach}</strong></p>`,
    html`<ul>${p.reasons.map((r) => html`<li>${r}</li>`)}</ul>`,
    html`<h3>Sizing</h3>`,
    keyValues([
      ['base model', baseModel ? `${baseModel.id}${baseModel.ggufFile ? ` (${baseModel.ggufFile})` : ''}` : null],
      ['method', baseModel?.method],
      ['parameters', p.parameters === null ? 'unknown' : count(p.parameters)],
      ['GPU memory to train', p.gpuMemoryGb === null ? 'unknown' : `${p.gpuMemoryGb} GB`],
      ['dataset guideline', `${count(p.minimumExamples)}+ examples`],
      ['success metrics', p.successMetrics.length ? p.successMetrics.join(', ') : 'none'],
      ['spec hash', plan.specHash ? html`<code>${plan.specHash}</code>` : null],
    ]),
    p.warnings.length ? html`<ul class="warnings">${p.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : html``,
  ]);
}
