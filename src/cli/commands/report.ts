import fs from 'node:fs';
import path from 'node:path';
import { openArtifactStore } from '../../artifacts/store';
import { collectRunReport } from '../../report/collect-report';
import { readRunSnapshot, storedReportOf } from '../../report/read-run';
import { renderRunReport } from '../../report/render-report';
import { connectClient } from '../connect';
import { EXIT, printJson } from '../output';

/**
 * `tempered report <workflowId>`: the run report as one self-contained HTML file, made now from the run's status or
 * result, the registry and its A/B test, so a running run shows how far it got and a deployed one its A/B outcome.
 * `--stored` writes the report the run stored at its end instead.
 */
export async function reportCommand(workflowId: string, opts: { output?: string; stored?: boolean; json?: boolean }): Promise<number> {
  const file = path.resolve(opts.output ?? `report-${workflowId.replace(/[^A-Za-z0-9._-]+/g, '_')}.html`);
  const { client, close } = await connectClient();
  try {
    const snapshot = await readRunSnapshot(client, workflowId);
    const store = openArtifactStore();
    const stored = storedReportOf(snapshot);
    let text: string | Buffer;
    let problems: string[] = [];
    if (opts.stored) {
      if (!stored?.artifact) {
        const why = stored?.error ? `its report could not be made: ${stored.error}` : `it stored none (${snapshot.state === 'RUNNING' ? 'it is still running' : 'a run from before reports, or one refused at planning'})`;
        throw new Error(`${workflowId}: no stored report to write, as ${why}; leave out --stored to make one now`);
      }
      text = await store.getBytes(stored.artifact);
    } else {
      const report = await collectRunReport(snapshot, store);
      problems = report.problems;
      text = renderRunReport(report);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (opts.json) {
      printJson({ workflowId, workflowStatus: snapshot.state, file, stored: stored?.artifact ?? null, fromStored: Boolean(opts.stored), problems });
    } else {
      console.log(`${workflowId} (${snapshot.state.toLowerCase()}): report written to ${file}`);
      if (stored?.artifact) console.log(`  stored by the run: ${stored.artifact.uri}`);
      for (const problem of problems) console.log(`  missing: ${problem}`);
    }
    return EXIT.ok;
  } finally {
    await close();
  }
}
