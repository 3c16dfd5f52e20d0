import type { Page } from 'playwright-core';

/** What a rendered report shows, as Chromium laid it out. */
export interface PageFindings {
  charts: { id: string; width: number; height: number; paths: number; drawnPaths: number; vertices: number[] }[];
  /** Each table's body rows, with the id of the section holding it. */
  tables: { rows: number; section: string }[];
  /** Text elements that are hidden, of no size, smaller than 11px, or coloured as their background. */
  illegible: string[];
  /** Each section's text as the page shows it (innerText: cells tab-separated, rows on lines). */
  textOf: Record<string, string>;
  /** Elements a run's text would have made, had it been markup. */
  injected: number;
  title: string;
}

/**
 * Runs in the page, as source text: the tests are compiled without the DOM's types, and this is the only code that
 * needs them.
 */
const SCRIPT = `(() => {
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  };
  const illegible = [];
  for (const el of document.querySelectorAll('h1, h2, h3, h4, p, li, th, td, dt, dd, svg text')) {
    const text = (el.textContent || '').trim();
    if (!text) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    if (!visible(el) || size < 11 || style.color === style.backgroundColor) illegible.push(el.tagName + ' "' + text.slice(0, 40) + '" (' + size + 'px)');
  }
  return {
    charts: [...document.querySelectorAll('svg.chart')].map((svg) => {
      const box = svg.getBoundingClientRect();
      const paths = [...svg.querySelectorAll('path')];
      return {
        id: svg.id,
        width: box.width,
        height: box.height,
        paths: paths.filter((p) => (p.getAttribute('d') || '').trim() !== '').length,
        drawnPaths: paths.filter((p) => p.getTotalLength() > 0).length,
        vertices: [...svg.querySelectorAll('g.series path')].map((p) => (p.getAttribute('d').match(/[ML]/g) || []).length),
      };
    }),
    tables: [...document.querySelectorAll('table')].map((t) => ({ rows: t.querySelectorAll('tbody tr').length, section: (t.closest('section') || {}).id || '' })),
    illegible,
    textOf: Object.fromEntries([...document.querySelectorAll('section')].map((s) => [s.id, s.innerText])),
    injected: document.querySelectorAll('main b, main script, main img, main iframe, main a[href^="http"]').length,
    title: document.title,
  };
})()`;

export function readPageFindings(page: Page): Promise<PageFindings> {
  return page.evaluate<PageFindings>(SCRIPT);
}
