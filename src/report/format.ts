import type { ArtifactRef } from '../artifacts/store';
import { html, type Html } from './html';

/** A figure as the CLI prints them: three decimals, small values in three significant digits, n/a for none. */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toPrecision(3);
  return String(Math.round(x * 10 ** digits) / 10 ** digits);
}

/** A count with thousands separators. */
export function count(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US');
}

export function share(x: number | null | undefined): string {
  return x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${num(x * 100, 1)}%`;
}

/** ` [0.02, 0.15]`: a 95% interval. */
export function interval(i: { lower: number; upper: number } | null | undefined): string {
  return i ? `[${num(i.lower)}, ${num(i.upper)}]` : '';
}

export function signed(x: number): string {
  return `${x > 0 ? '+' : ''}${num(x)}`;
}

/** Seconds between two ISO times, or null when either is missing. */
export function seconds(from: string | undefined, to: string | undefined): number | null {
  if (!from || !to) return null;
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

export function duration(s: number | null): string {
  if (s === null || Number.isNaN(s)) return 'n/a';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${num(s, 1)} s`;
  if (s < 7200) return `${num(s / 60, 1)} min`;
  return `${num(s / 3600, 1)} h`;
}

/** An artifact: its URI, with its hash and size. */
export function artifact(ref: ArtifactRef | null | undefined): Html | string {
  if (!ref) return 'n/a';
  return html`<code class="uri">${ref.uri}</code> <span class="meta">sha256 ${ref.sha256.slice(0, 12)}…, ${bytes(ref.size)}</span>`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${num(value, 1)} ${units[unit]}`;
}

/** ok or FAILED, styled. */
export function verdict(passed: boolean | null): Html {
  if (passed === null) return html`<span class="pending">pending</span>`;
  return passed ? html`<span class="pass">ok</span>` : html`<span class="fail">FAILED</span>`;
}
