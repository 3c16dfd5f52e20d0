import type { PhaseName } from '../../pipeline/types';
import { html, type Html, type HtmlValue } from '../html';
import type { RunSection } from '../report-model';

/** Why a phase's part of the report is empty, in plain words, from the run's phases and state. */
export function whyAbsent(run: RunSection, phase: PhaseName): string {
  const record = run.phases.find((p) => p.name === phase);
  switch (record?.state) {
    case 'skipped':
      return `The ${phase} phase was skipped: ${record.summary.skipped ?? 'no reason recorded'}.`;
    case 'running':
      return `The ${phase} phase is running; this part is filled in when it ends.`;
    case 'failed':
      return `The ${phase} phase failed${run.failure ? `: ${run.failure}` : '.'}`;
    case 'completed':
      return `The ${phase} phase completed without recording this part (a run from before reports, or a result read without its status).`;
  }
  const current = run.phases.find((p) => p.state === 'running');
  const failed = run.phases.find((p) => p.state === 'failed');
  if (run.state === 'RUNNING') return `Not reached yet: the run is ${current ? `in its ${current.name} phase` : 'starting'}.`;
  if (failed) return `Not reached: the run failed in its ${failed.name} phase.`;
  if (run.state !== 'COMPLETED') return `Not reached: the run was ${run.state.toLowerCase().replace('_', ' ')}.`;
  return `Not reached: the ${phase} phase did not run.`;
}

export function absent(text: string): Html {
  return html`<p class="absent">${text}</p>`;
}

/** A section of the report: a heading with its anchor, then the content or the reason there is none. */
export function section(id: string, title: string, content: HtmlValue): Html {
  return html`<section id="${id}"><h2>${title}</h2>${content}</section>`;
}
