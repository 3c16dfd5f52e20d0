import { artifact } from '../format';
import { html, keyValues, table, type Html } from '../html';
import type { LineageSection, RunSection } from '../report-model';
import { absent, section, whyAbsent } from './reach';

export function lineageSection(run: RunSection, lineage: LineageSection | null): Html {
  if (!lineage) {
    const why =
      run.outcome === 'gate-failed' || run.outcome === 'rejected'
        ? `Not registered: ${run.outcome === 'rejected' ? 'the deployment was rejected' : 'the gate failed'}, and the run exported nothing whose lineage could be shown.`
        : whyAbsent(run, 'deployment');
    return section('lineage', '8 Lineage', absent(why));
  }
  const v = lineage.version;
  return section('lineage', '8 Lineage', [
    lineage.source === 'export' ? html`<p>${notRegistered(run)} The lineage below is the export's.</p>` : html``,
    keyValues([
      ['registry entry', lineage.source === 'registry' ? artifact(lineage.document) : 'none'],
      ['version', v ? `${v.name} v${v.version} (${v.stage})${v.registeredAt ? `, registered ${v.registeredAt}` : ''}` : undefined],
      ['lineage document', lineage.source === 'export' ? artifact(lineage.document) : undefined],
      ['spec hash', lineage.specHash ? html`<code>${lineage.specHash}</code>` : null],
      ['code version', lineage.codeVersion ? html`<code>${lineage.codeVersion}</code>` : null],
      ['base model', lineage.baseModel ? `${lineage.baseModel.id}${lineage.baseModel.ggufFile ? ` (${lineage.baseModel.ggufFile})` : ''}` : null],
      ['trained model', artifact(lineage.model)],
    ]),
    html`<h3>Data manifests</h3>`,
    table(['part', 'artifact'], lineage.datasets.map((d) => [d.name, artifact(d.ref)]), { empty: 'not recorded' }),
    html`<h3>Exports</h3>`,
    table(['part', 'artifact'], lineage.exports.map((d) => [d.name, artifact(d.ref)]), { empty: 'none exported' }),
    lineage.trainerPackages
      ? [html`<h3>Trainer packages</h3>`, table(['package', 'version'], Object.entries(lineage.trainerPackages).map(([name, version]) => [name, version ?? 'not installed']))]
      : html``,
    v && v.history.length
      ? [html`<h3>Stage history</h3>`, table(['stage', 'at', 'by', 'why'], v.history.map((h) => [h.stage, h.at, h.by, h.reason]))]
      : html``,
  ]);
}

function notRegistered(run: RunSection): string {
  if (run.outcome === 'gate-failed') return 'Not registered: the gate failed.';
  if (run.outcome === 'rejected') return 'Not registered: the deployment was rejected.';
  if (run.state === 'RUNNING') return 'Not registered yet: the run is in its deployment phase.';
  return 'Not registered.';
}
