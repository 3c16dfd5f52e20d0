/**
 * Charts as inline SVG strings: loss curves, intervals side by side, bars. Drawn here rather than by a charting
 * library because the report must be one self-contained file without scripts: a chart is a few paths and labels.
 */

import { num } from './format';
import { Html, html } from './html';

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const TEXT = '#1f2328';
const MUTED = '#57606a';
const GRID = '#d0d7de';

/** Axis bounds widened to round numbers, and the ticks between them (steps of 1, 2 or 5 times a power of ten). */
export function niceScale(min: number, max: number, ticks = 5): { min: number; max: number; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error(`cannot scale an axis over [${min}, ${max}]`);
  // One value gets room on both sides; all zeros (a score nobody reached) an axis from 0 to 1.
  if (min === max) [min, max] = min === 0 ? [0, 1] : [min - Math.abs(min) * 0.1, max + Math.abs(max) * 0.1];
  const rough = (max - min) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  // The multiplier nearest the rough step on a log scale, as d3's ticks choose it: about `ticks` ticks, never far off.
  const error = rough / magnitude;
  const step = magnitude * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  // Rounded to the step's decimals so that 0.1 + 0.2 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const values: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) values.push(Number((lo + i * step).toFixed(decimals)));
  return { min: values[0]!, max: values.at(-1)!, ticks: values };
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function svg(id: string, title: string, frame: Frame, body: Html[]): Html {
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}"><title id="${id}-title">${title}</title>${body}</svg>`;
}

const at = (x: number) => Number(x.toFixed(2));

export interface LineSeries {
  name: string;
  points: [number, number][];
  color: string;
  /** Dots on each point: for sparse series such as one validation loss per evaluation. */
  markers?: boolean;
}

/** Lines over a shared x axis (e.g. training and validation loss by step); null when no series has a point. */
export function lineChart(opts: { id: string; title: string; series: LineSeries[]; xLabel: string; yLabel: string; width?: number; height?: number }): Html | null {
  const series = opts.series.filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return null;
  const frame: Frame = { width: opts.width ?? 640, height: opts.height ?? 300, left: 60, right: 16, top: 28, bottom: 44 };
  const x = niceScale(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])));
  const y = niceScale(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])));
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const sx = (v: number) => at(frame.left + ((v - x.min) / (x.max - x.min)) * plotW);
  const sy = (v: number) => at(frame.top + plotH - ((v - y.min) / (y.max - y.min)) * plotH);
  const body: Html[] = [
    ...axes(frame, x.ticks.map((t) => [sx(t), num(t)]), y.ticks.map((t) => [sy(t), num(t)]), opts.xLabel, opts.yLabel),
    ...series.map((s) => {
      const d = s.points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${sx(px)} ${sy(py)}`).join('');
      const dots = s.markers ? s.points.map(([px, py]) => html`<circle cx="${sx(px)}" cy="${sy(py)}" r="3" fill="${s.color}"/>`) : [];
      return html`<g class="series" data-series="${s.name}"><path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>${dots}</g>`;
    }),
    legend(frame, series.map((s) => [s.name, s.color])),
  ];
  return svg(opts.id, opts.title, frame, body);
}

export interface IntervalRow {
  label: string;
  value: number;
  lower: number | null;
  upper: number | null;
}

/**
 * Each row's point and 95% interval on one axis (a forest plot), e.g. one metric across the evaluation arms;
 * `reference` draws a dashed line (0 for differences). Null when no row has a finite value.
 */
export function intervalChart(opts: { id: string; title: string; rows: IntervalRow[]; xLabel: string; reference?: number; width?: number }): Html | null {
  const rows = opts.rows.filter((r) => Number.isFinite(r.value));
  if (rows.length === 0) return null;
  const rowH = 30;
  const frame: Frame = { width: opts.width ?? 640, height: 28 + rows.length * rowH + 44, left: 110, right: 150, top: 28, bottom: 44 };
  const bounds = rows.flatMap((r) => [r.value, r.lower, r.upper]).filter((v): v is number => v !== null && Number.isFinite(v));
  if (opts.reference !== undefined) bounds.push(opts.reference);
  const x = niceScale(Math.min(...bounds), Math.max(...bounds), 4);
  const plotW = frame.width - frame.left - frame.right;
  const sx = (v: number) => at(frame.left + ((v - x.min) / (x.max - x.min)) * plotW);
  const body: Html[] = [...axes(frame, x.ticks.map((t) => [sx(t), num(t)]), [], opts.xLabel, null)];
  if (opts.reference !== undefined) {
    body.push(html`<path d="M${sx(opts.reference)} ${frame.top - 6}V${frame.height - frame.bottom}" stroke="${MUTED}" stroke-dasharray="4 3" fill="none"/>`);
  }
  rows.forEach((r, i) => {
    const cy = at(frame.top + i * rowH + rowH / 2);
    const hasInterval = r.lower !== null && r.upper !== null;
    const whisker = hasInterval ? `M${sx(r.lower!)} ${cy}H${sx(r.upper!)}M${sx(r.lower!)} ${cy - 6}V${cy + 6}M${sx(r.upper!)} ${cy - 6}V${cy + 6}` : `M${sx(r.value) - 6} ${cy}H${sx(r.value) + 6}`;
    const label = `${num(r.value)}${hasInterval ? ` [${num(r.lower)}, ${num(r.upper)}]` : ''}`;
    body.push(
      html`<g class="row"><text x="${frame.left - 8}" y="${cy + 4}" text-anchor="end" fill="${TEXT}" ${raw(FONT)}>${clip(r.label, 16)}</text><path d="${whisker}" stroke="#0969da" stroke-width="2" fill="none"/><circle cx="${sx(r.value)}" cy="${cy}" r="4.5" fill="#0969da"/><text x="${frame.width - frame.right + 8}" y="${cy + 4}" fill="${TEXT}" ${raw(FONT)}>${label}</text></g>`,
    );
  });
  return svg(opts.id, opts.title, frame, body);
}

export interface Bar {
  label: string;
  value: number;
  color?: string;
}

/** Horizontal bars from zero, labelled with their values; null when there are none. */
export function barChart(opts: { id: string; title: string; bars: Bar[]; xLabel: string; width?: number }): Html | null {
  if (opts.bars.length === 0) return null;
  const rowH = 26;
  const frame: Frame = { width: opts.width ?? 640, height: 28 + opts.bars.length * rowH + 44, left: 190, right: 70, top: 28, bottom: 44 };
  const x = niceScale(0, Math.max(1, ...opts.bars.map((b) => b.value)), 4);
  const plotW = frame.width - frame.left - frame.right;
  const sx = (v: number) => at(frame.left + ((v - x.min) / (x.max - x.min)) * plotW);
  const body: Html[] = [...axes(frame, x.ticks.map((t) => [sx(t), num(t)]), [], opts.xLabel, null)];
  opts.bars.forEach((b, i) => {
    const top = at(frame.top + i * rowH + 4);
    const h = rowH - 8;
    const w = at(sx(b.value) - sx(0));
    body.push(
      html`<g class="bar"><text x="${frame.left - 8}" y="${top + h / 2 + 4}" text-anchor="end" fill="${TEXT}" ${raw(FONT)}>${clip(b.label, 28)}</text><path d="M${sx(0)} ${top}h${w}v${h}h${-w}Z" fill="${b.color ?? '#57606a'}"/><text x="${sx(b.value) + 6}" y="${top + h / 2 + 4}" fill="${TEXT}" ${raw(FONT)}>${num(b.value)}</text></g>`,
    );
  });
  return svg(opts.id, opts.title, frame, body);
}

/** Grid lines, axis lines, tick labels and axis titles; ticks are [position, label]. */
function axes(frame: Frame, xTicks: [number, string][], yTicks: [number, string][], xLabel: string, yLabel: string | null): Html[] {
  const bottom = frame.height - frame.bottom;
  const right = frame.width - frame.right;
  const grid = [...xTicks.map(([px]) => `M${px} ${frame.top}V${bottom}`), ...yTicks.map(([py]) => `M${frame.left} ${py}H${right}`)].join('');
  return [
    html`<path d="${grid}" stroke="${GRID}" stroke-width="1" fill="none"/>`,
    html`<path d="M${frame.left} ${frame.top}V${bottom}H${right}" stroke="${MUTED}" stroke-width="1" fill="none"/>`,
    ...xTicks.map(([px, label]) => html`<text x="${px}" y="${bottom + 16}" text-anchor="middle" fill="${MUTED}" ${raw(FONT)}>${label}</text>`),
    ...yTicks.map(([py, label]) => html`<text x="${frame.left - 6}" y="${py + 4}" text-anchor="end" fill="${MUTED}" ${raw(FONT)}>${label}</text>`),
    html`<text x="${at(frame.left + (right - frame.left) / 2)}" y="${frame.height - 8}" text-anchor="middle" fill="${TEXT}" ${raw(FONT)}>${xLabel}</text>`,
    yLabel === null ? html`` : html`<text x="${frame.left}" y="${frame.top - 12}" fill="${TEXT}" ${raw(FONT)}>${yLabel}</text>`,
  ];
}

function legend(frame: Frame, entries: [string, string][]): Html {
  let x = frame.width - frame.right;
  const items: Html[] = [];
  for (const [name, color] of [...entries].reverse()) {
    const width = 28 + name.length * 7;
    x -= width;
    items.push(html`<path d="M${x} ${frame.top - 16}h18" stroke="${color}" stroke-width="3"/><text x="${x + 22}" y="${frame.top - 12}" fill="${TEXT}" ${raw(FONT)}>${name}</text>`);
  }
  return html`<g class="legend">${items}</g>`;
}

/** Long labels shortened, with the whole text as a tooltip. */
function clip(label: string, max: number): Html {
  if (label.length <= max) return html`${label}`;
  return html`${label.slice(0, max - 1)}…<title>${label}</title>`;
}

/** Our own attribute text (constants of this file), never a run's. */
function raw(text: string): Html {
  return new Html(text);
}
