import { count, num, share, verdict } from '../format';
import { html, keyValues, table, type Html } from '../html';
import type { DataSection, RunSection } from '../report-model';
import { barChart } from '../svg-charts';
import { absent, section, whyAbsent } from './reach';

/** Categories listed before the rest are summed up. */
const MAX_CATEGORIES = 20;

export function dataSection(run: RunSection, data: DataSection | null): Html {
  if (!data) return section('data', '2 Data quality', absent(whyAbsent(run, 'data')));
  const c = data.counts;
  const dropped = Object.entries(c.dropped).filter(([, n]) => (n ?? 0) > 0) as [string, number][];
  const chart = barChart({
    id: 'chart-data',
    title: 'Where the collected records went',
    xLabel: 'records',
    bars: [
      { label: 'train', value: c.train, color: '#1a7f37' },
      { label: 'validation', value: c.validation, color: '#1a7f37' },
      { label: 'test', value: c.test, color: '#1a7f37' },
      ...dropped.map(([reason, n]) => ({ label: `dropped: ${reason.replace(/_/g, ' ')}`, value: n, color: '#bc4c00' })),
    ],
  });
  return section('data', '2 Data quality', [
    keyValues([
      ['collected', count(c.collected)],
      ['kept', count(c.kept)],
      ['redacted (PII replaced)', count(c.redacted)],
      ['split train / validation / test', `${count(c.train)} / ${count(c.validation)} / ${count(c.test)}`],
      ['dropped', dropped.length ? dropped.map(([reason, n]) => `${count(n)} ${reason.replace(/_/g, ' ')}`).join(', ') : 'none'],
      ['reused from an earlier run', data.cached === null ? null : data.cached ? 'yes' : 'no'],
    ]),
    chart ?? html``,
    html`<h3>Quality checks</h3>`,
    data.checks
      ? table(['measure', 'value', 'threshold', 'result'], data.checks.map((q) => [q.measure.replace(/_/g, ' '), num(q.value), `${q.op} ${num(q.threshold)}`, verdict(q.passed)]), { numeric: [1] })
      : data.scores
        ? table(['measure', 'value'], Object.entries(data.scores).map(([name, v]) => [name.replace(/_/g, ' '), num(v)]), { numeric: [1] })
        : absent('The data report could not be read: no quality measures to show.'),
    html`<h3>Audit</h3>`,
    data.audit
      ? [
          table(['reason', 'audit lines'], Object.entries(data.audit.counts).map(([reason, n]) => [reason.replace(/_/g, ' '), count(n)]), { numeric: [1], empty: 'nothing was dropped, redacted or flagged' }),
          html`<h4>First lines of each reason</h4>`,
          table(
            ['row', 'action', 'reason', 'repeats', 'PII kinds'],
            data.audit.samples.map((a) => [
              html`<code>${a.file}:${a.line}</code>`,
              a.action,
              a.detail ? `${a.reason}: ${a.detail}` : a.reason,
              a.of ? html`<code>${a.of.file}:${a.of.line}</code>` : '',
              (a.kinds ?? []).join(', '),
            ]),
            { empty: 'no audit lines' },
          ),
        ]
      : absent('The data report could not be read: no audit counts to show.'),
    data.sources
      ? [
          html`<h3>Sources</h3>`,
          table(
            ['file', 'records', 'kept', 'dropped at source', 'expert', 'sha256'],
            data.sources.map((s) => [html`<code>${s.file}</code>`, count(s.records), count(s.kept), count(s.dropped_at_source), s.expert ? 'yes' : 'no', html`<code>${s.sha256.slice(0, 12)}</code>`]),
            { numeric: [1, 2, 3] },
          ),
        ]
      : html``,
    data.categories ? [html`<h3>Categories</h3>`, categoriesTable(data.categories, c.kept)] : html``,
    data.pii
      ? [html`<h3>PII replaced</h3>`, table(['kind', 'replacements'], Object.entries(data.pii).map(([kind, n]) => [kind, count(n)]), { numeric: [1], empty: 'no PII found' })]
      : html``,
    data.contamination
      ? [
          html`<h3>Contamination of the test split</h3>`,
          keyValues([
            ['test examples overlapping train', `${count(data.contamination.contaminated)} of ${count(data.contamination.tested)} (${share(data.contamination.rate)})`],
            ['mean 8-gram overlap', num(data.contamination.meanOverlap)],
          ]),
        ]
      : html``,
  ]);
}

function categoriesTable(categories: Record<string, number>, kept: number): Html {
  const sorted = Object.entries(categories).sort((a, b) => b[1] - a[1]);
  const rows = sorted.slice(0, MAX_CATEGORIES).map(([name, n]) => [name, count(n), share(kept ? n / kept : null)]);
  const rest = sorted.slice(MAX_CATEGORIES).reduce((sum, [, n]) => sum + n, 0);
  if (sorted.length > MAX_CATEGORIES) rows.push([`${sorted.length - MAX_CATEGORIES} more categories`, count(rest), share(kept ? rest / kept : null)]);
  return table(['category', 'kept records', 'share'], rows, { numeric: [1, 2], empty: 'no categories' });
}
