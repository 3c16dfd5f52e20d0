import type { LoadResult } from './load';

export const TEMPERED = 'tempered';
export const LLAMA_CPP = 'llama.cpp';
export type ServerKey = typeof TEMPERED | typeof LLAMA_CPP;

export interface Phase {
  server: ServerKey;
  result: LoadResult;
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : 'n/a');

/** One row per concurrency level and server, in the order they ran. */
export function table(phases: Phase[]): string {
  const header = ['clients', 'server', 'rps', 'p50 ms', 'p95 ms', 'errors', 'answers', 'tokens/s', 'warm-up s'];
  const widths = [7, 10, 8, 8, 8, 7, 8, 9, 10];
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rows = phases.map(({ server, result: r }) =>
    line([
      String(r.clients),
      server,
      r.rps.toFixed(2),
      ms(r.p50Ms),
      ms(r.p95Ms),
      String(r.errors),
      String(r.answers),
      r.completionTokensPerS.toFixed(1),
      r.warmupS.toFixed(1),
    ]),
  );
  return [line(header), ...rows].join('\n');
}

/** Every kind of failed request, per phase; empty when none failed. */
export function errorSummary(phases: Phase[]): string {
  const lines: string[] = [];
  for (const { server, result } of phases) {
    for (const [kind, count] of result.errorKinds) lines.push(`  ${result.clients} clients, ${server}: ${count} x ${kind}`);
  }
  return lines.length ? ['failed requests:', ...lines].join('\n') : '';
}

function find(phases: Phase[], server: ServerKey, clients: number): LoadResult | undefined {
  return phases.find((p) => p.server === server && p.result.clients === clients)?.result;
}

const num = (value: number | undefined, digits: number) => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : 'nan');

/**
 * `RESULT serve rps=… p95_ms=… llama_cpp_rps=… ratio=…` (Tempered at 4 clients, and its rps over llama.cpp's),
 * then the other levels and the error counts.
 */
export function resultLine(phases: Phase[], levels: number[], extra: Record<string, string>): string {
  const t4 = find(phases, TEMPERED, 4);
  const l4 = find(phases, LLAMA_CPP, 4);
  const ratio = t4 && l4 && l4.rps > 0 ? t4.rps / l4.rps : NaN;
  const pairs: string[] = [
    `rps=${num(t4?.rps, 2)}`,
    `p95_ms=${num(t4?.p95Ms, 0)}`,
    `llama_cpp_rps=${num(l4?.rps, 2)}`,
    `ratio=${num(ratio, 2)}`,
    `p50_ms=${num(t4?.p50Ms, 0)}`,
    `llama_cpp_p50_ms=${num(l4?.p50Ms, 0)}`,
    `llama_cpp_p95_ms=${num(l4?.p95Ms, 0)}`,
  ];
  for (const level of levels.filter((l) => l !== 4)) {
    const t = find(phases, TEMPERED, level);
    const l = find(phases, LLAMA_CPP, level);
    pairs.push(`rps_${level}=${num(t?.rps, 2)}`, `p95_ms_${level}=${num(t?.p95Ms, 0)}`);
    pairs.push(`llama_cpp_rps_${level}=${num(l?.rps, 2)}`, `llama_cpp_p95_ms_${level}=${num(l?.p95Ms, 0)}`);
  }
  const errors = (server: ServerKey) => phases.filter((p) => p.server === server).reduce((n, p) => n + p.result.errors, 0);
  pairs.push(`errors=${errors(TEMPERED)}`, `llama_cpp_errors=${errors(LLAMA_CPP)}`);
  for (const [key, value] of Object.entries(extra)) pairs.push(`${key}=${value}`);
  return ['RESULT serve', ...pairs].join(' ');
}
