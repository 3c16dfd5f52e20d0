/**
 * HTML built by a tagged template that escapes every interpolated value, so text from a run (pipeline names, data
 * rows, model answers, spec values, error messages) can never become markup. Only `Html` values, made by this
 * template, pass through as they are.
 */

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** What a template may interpolate: text and numbers are escaped, nothing-values vanish, lists are joined. */
export type HtmlValue = Html | string | number | boolean | null | undefined | HtmlValue[];

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => (out += fill(value) + strings[i + 1]!));
  return new Html(out);
}

function fill(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(fill).join('');
  return escapeHtml(String(value));
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A table with a header row; `numeric` columns are right-aligned. An empty body gets one row saying so. */
export function table(headers: string[], rows: HtmlValue[][], opts: { numeric?: number[]; empty?: string; caption?: string } = {}): Html {
  const numeric = new Set(opts.numeric ?? []);
  const cls = (i: number) => (numeric.has(i) ? new Html(' class="num"') : '');
  const body = rows.length
    ? rows.map((row) => html`<tr>${row.map((cell, i) => html`<td${cls(i)}>${cell}</td>`)}</tr>`)
    : html`<tr><td colspan="${headers.length}" class="empty">${opts.empty ?? 'none'}</td></tr>`;
  return html`<table>${opts.caption ? html`<caption>${opts.caption}</caption>` : ''}<thead><tr>${headers.map((h, i) => html`<th${cls(i)}>${h}</th>`)}</tr></thead><tbody>${body}</tbody></table>`;
}

/** Name/value pairs, as a definition list: a null value shows as n/a, an undefined one leaves its pair out (it does not apply). */
export function keyValues(pairs: [string, HtmlValue][]): Html {
  const shown = pairs.filter(([, value]) => value !== undefined);
  return html`<dl class="facts">${shown.map(([name, value]) => html`<dt>${name}</dt><dd>${value === null || value === '' ? 'n/a' : value}</dd>`)}</dl>`;
}
