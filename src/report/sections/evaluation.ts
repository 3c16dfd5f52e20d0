import { count, interval, num, share, signed } from '../format';
import { html, keyValues, table, type Html } from '../html';
import type { PairedChange, VariantsTable } from '../../pipeline/types';
import type { ArmRow, EvaluationSection, RunSection } from '../report-model';
import { intervalChart } from '../svg-charts';
import { absent, section, whyAbsent } from './reach';

/** The answer-based metrics charted arm by arm, when the evaluation measured them. */
const CHARTED = [
  ['accuracy', 'Accuracy'],
  ['token_f1', 'Token F1'],
  ['chrf', 'chrF'],
  ['rouge_l', 'ROUGE-L'],
] as const;

export function evaluationSection(run: RunSection, evaluation: EvaluationSection | null): Html {
  if (!evaluation) return section('evaluation', '4 Evaluation', absent(whyAbsent(run, 'evaluation')));
  const { arms } = evaluation;
  const charts = CHARTED.map(([metric, title]) =>
    intervalChart({
      id: `chart-${metric.replace('_', '-')}`,
      title: `${title} of each arm, with its 95% interval`,
      xLabel: title,
      width: 520,
      rows: arms
        .filter((a) => typeof a.metrics[metric] === 'number')
        .map((a) => ({ label: a.arm, value: a.metrics[metric]!, lower: a.intervals?.[metric]?.lower ?? null, upper: a.intervals?.[metric]?.upper ?? null })),
    }),
  ).filter((c): c is Html => c !== null);
  const gains = arms.filter((a) => a.vsBase?.token_f1);
  const gainChart = intervalChart({
    id: 'chart-token-f1-gain',
    title: 'Token F1 against the base model on the same answers: mean difference and 95% interval',
    xLabel: 'token F1 difference to the base model',
    reference: 0,
    rows: gains.map((a) => ({ label: a.arm, value: a.vsBase!.token_f1!.difference, lower: a.vsBase!.token_f1!.lower, upper: a.vsBase!.token_f1!.upper })),
  });
  return section('evaluation', '4 Evaluation', [
    html`<p>${arms.length} arms on ${evaluation.runtime ? `the ${evaluation.runtime} runtime` : 'an unrecorded runtime'}; brackets are 95% bootstrap intervals over the test answers, and comparisons with the base model are paired tests on the same answers.</p>`,
    html`<div class="charts">${charts}</div>`,
    gainChart ?? html``,
    html`<div class="wide">${armsTable(arms)}</div>`,
    evaluation.outOfDomain
      ? [
          html`<h3>Out of domain</h3>`,
          keyValues([
            ['questions', count(evaluation.outOfDomain.samples)],
            ['token F1 base → fine-tuned', `${num(evaluation.outOfDomain.base.token_f1)} → ${num(evaluation.outOfDomain.fineTuned.token_f1)}`],
            [
              'change',
              `${signed(evaluation.outOfDomain.tokenF1Change.difference)} ${interval(evaluation.outOfDomain.tokenF1Change)}, p = ${num(evaluation.outOfDomain.tokenF1Change.pValue)}`,
            ],
            ['relative drop', `${share(evaluation.outOfDomain.relativeDrop)}${evaluation.outOfDomain.maxRelativeDrop !== null ? ` (at most ${share(evaluation.outOfDomain.maxRelativeDrop)} allowed)` : ''}`],
          ]),
        ]
      : html``,
    evaluation.variants && evaluation.variants.rows.length > 0
      ? [
          html`<h3>Other graphs of the fine-tuned model</h3>`,
          html`<p>The same test examples answered by the model's other exported graphs, against the ${evaluation.variants.reference} graph the gate judged: answers left unchanged, and each metric's paired difference.</p>`,
          variantsTable(evaluation.variants),
        ]
      : html``,
    html`<h3>The fine-tuned model's first answers</h3>`,
    evaluation.samples.length
      ? table(
          ['test example', 'category', 'reference answer', 'model answer', 'token F1'],
          evaluation.samples.map((s) => [html`<code>${s.id}</code>`, s.category ?? '', html`<div class="text">${s.reference}</div>`, html`<div class="text">${s.prediction}</div>`, num(s.tokenF1)]),
          { numeric: [4] },
        )
      : absent('The answers were not recorded or could not be read.'),
  ]);
}

/** `+0.06 [0.01, 0.11] p=0.03`: a paired difference, its interval and p-value. */
function pairedChangeText(c: PairedChange): string {
  return `${signed(c.difference)} ${interval(c)} p=${num(c.pValue)}`;
}

function variantsTable(variants: VariantsTable): Html {
  const change = (row: VariantsTable['rows'][number], metric: string) => {
    const c = row.vsReference?.[metric];
    return c ? pairedChangeText(c) : 'n/a';
  };
  return table(
    ['graph', 'answers', 'unchanged', 'accuracy', 'token F1', 'accuracy change', 'token F1 change', 'chrF change', 'p95 s'],
    variants.rows.map((row) => [
      row.runtime,
      count(row.samples),
      `${count(row.sameAnswers)} (${share(row.agreement)})`,
      num(row.metrics.accuracy),
      num(row.metrics.token_f1),
      change(row, 'accuracy'),
      change(row, 'token_f1'),
      change(row, 'chrf'),
      num(row.metrics.response_time, 2),
    ]),
    { numeric: [1, 3, 4, 8] },
  );
}

function armsTable(arms: ArmRow[]): Html {
  const cell = (a: ArmRow, metric: keyof ArmRow['metrics']) => {
    const value = a.metrics[metric];
    if (typeof value !== 'number') return 'n/a';
    const i = a.intervals?.[metric];
    return html`${num(value)}${i ? html` <span class="ci">${interval(i)}</span>` : ''}`;
  };
  return table(
    ['arm', 'answers', 'accuracy', 'token F1', 'chrF', 'ROUGE-L', 'exact match', 'p95 s', 'consistency', 'test loss', 'token F1 vs base'],
    arms.map((a) => {
      const vs = a.vsBase?.token_f1;
      return [
        a.arm,
        count(a.samples),
        cell(a, 'accuracy'),
        cell(a, 'token_f1'),
        cell(a, 'chrf'),
        cell(a, 'rouge_l'),
        cell(a, 'exact_match'),
        num(a.metrics.response_time, 2),
        cell(a, 'consistency'),
        num(a.metrics.loss),
        vs ? pairedChangeText(vs) : '',
      ];
    }),
    { numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
  );
}
