import { WorkflowUpdateFailedError } from '@temporalio/client';
import { approveDeploymentUpdate, rejectDeploymentUpdate } from '../../workflows/messages';
import { connectClient } from '../connect';
import { EXIT, printJson } from '../output';

/** `tempered approve|reject <workflowId> --by <name>`: a Temporal Update, refused with a reason when not allowed. */
export async function approvalCommand(
  decision: 'approve' | 'reject',
  workflowId: string,
  opts: { by?: string; comment?: string; json?: boolean },
): Promise<number> {
  const by = opts.by ?? process.env.USER ?? '';
  const { client, close } = await connectClient();
  try {
    const handle = client.workflow.getHandle(workflowId);
    const update = decision === 'approve' ? approveDeploymentUpdate : rejectDeploymentUpdate;
    const record = await handle.executeUpdate(update, { args: [{ by, comment: opts.comment }] });
    if (opts.json) printJson(record);
    else console.log(`${workflowId}: deployment ${record.decision} by ${record.by}; evidence ${record.evidence.uri}`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const reason = err.cause?.message ?? err.message;
      if (opts.json) printJson({ workflowId, error: reason });
      else console.error(`${workflowId}: ${decision} refused: ${reason}`);
      return EXIT.failed;
    }
    throw err;
  } finally {
    await close();
  }
}
