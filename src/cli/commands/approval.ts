import fs from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { signStatement } from '../../approvals/signature';
import type { ApprovalStatement } from '../../pipeline/types';
import { approveDeploymentUpdate, rejectDeploymentUpdate, statusQuery } from '../../workflows/messages';
import { connectClient } from '../connect';
import { EXIT, printJson } from '../output';

export interface ApprovalOptions {
  by?: string;
  comment?: string;
  /** The approver's private key file; default TEMPERED_APPROVER_KEY. */
  key?: string;
  json?: boolean;
}

/**
 * `tempered approve|reject <workflowId> --by <name>`: signs the decision on the evidence the run is waiting
 * with, for this run only, and sends it as a Temporal Update; a worker verifies the signature before the run
 * accepts it, and a refusal comes back with its reason.
 */
export async function approvalCommand(decision: 'approve' | 'reject', workflowId: string, opts: ApprovalOptions): Promise<number> {
  const by = opts.by ?? process.env.USER ?? '';
  const privateKey = readPrivateKey(opts.key ?? process.env.TEMPERED_APPROVER_KEY);
  const { client, close } = await connectClient();
  const refuse = (reason: string) => {
    if (opts.json) printJson({ workflowId, error: reason });
    else console.error(`${workflowId}: ${decision} refused: ${reason}`);
    return EXIT.failed;
  };
  try {
    const handle = client.workflow.getHandle(workflowId);
    const { runId, status } = await handle.describe();
    if (status.name !== 'RUNNING') return refuse(`the pipeline is ${status.name.toLowerCase()}; no deployment waiting for approval`);
    const waiting = (await handle.query(statusQuery)).awaitingApproval;
    if (!waiting) return refuse('this pipeline has no deployment waiting for approval');

    const statement: ApprovalStatement = {
      kind: 'tempered.approval/v1',
      workflowId,
      runId,
      decision,
      evidenceSha256: waiting.evidence.sha256,
      by,
      comment: opts.comment,
      signedAt: new Date().toISOString(),
    };
    const update = decision === 'approve' ? approveDeploymentUpdate : rejectDeploymentUpdate;
    const record = await handle.executeUpdate(update, { args: [{ statement, signature: signStatement(statement, privateKey) }] });
    if (opts.json) printJson(record);
    else console.log(`${workflowId}: deployment ${record.decision} by ${record.by}; evidence ${record.evidence.uri}`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return refuse(err.cause?.message ?? err.message);
    throw err;
  } finally {
    await close();
  }
}

function readPrivateKey(file: string | undefined): KeyObject {
  if (!file) throw new Error('no approver key: set TEMPERED_APPROVER_KEY (or --key) to your private key file; `tempered keygen` makes one');
  let key: KeyObject;
  try {
    key = createPrivateKey(fs.readFileSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`${file}: ${code ? `cannot read the approver key (${code})` : 'not a PEM private key'}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}
