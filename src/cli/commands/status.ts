import { webUiUrl } from '../../config/temporal';
import { connectClient } from '../connect';
import { formatActivity, formatStatus, formatSummary } from '../format';
import { readLiveStatus } from '../live-status';
import { EXIT, printJson } from '../output';

/** `tempered status <workflowId>`: phase, progress, headline metrics, what running activities report. */
export async function statusCommand(workflowId: string, opts: { json?: boolean }): Promise<number> {
  const { client, settings, close } = await connectClient();
  try {
    const live = await readLiveStatus(client.workflow.getHandle(workflowId));
    const webUi = webUiUrl(settings, workflowId);
    if (opts.json) {
      printJson({ workflowId, ...live, webUi });
    } else {
      console.log(`${workflowId}: ${live.workflowStatus}`);
      if (live.status) console.log(formatStatus(live.status));
      if (live.result) console.log(formatSummary(live.result));
      for (const line of live.activities.map(formatActivity).filter(Boolean)) console.log(`  now: ${line}`);
      const report = live.result?.report ?? live.status?.report;
      if (report) console.log(`  report: ${report.artifact ? `${report.artifact.uri} (tempered report ${workflowId} --stored -o report.html)` : `not made: ${report.error}`}`);
      console.log(`  Web UI: ${webUi}`);
    }
    return live.workflowStatus === 'FAILED' || live.workflowStatus === 'TERMINATED' ? EXIT.failed : EXIT.ok;
  } finally {
    await close();
  }
}
