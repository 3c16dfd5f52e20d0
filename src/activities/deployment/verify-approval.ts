import { approverKeys } from '../../config/approvers';
import { keyFingerprint, SIGNATURE_MAX_AGE_MS, statementSignedBy } from '../../approvals/signature';
import { fail } from '../../failures';
import type { ApprovalDecisionInput, ApprovalStatement } from '../../pipeline/types';

export interface VerifyApprovalInput {
  /** What the waiting deployment expects a decision to be about. */
  expected: Pick<ApprovalStatement, 'workflowId' | 'runId' | 'decision' | 'evidenceSha256'> & { approvers: string[] };
  approval: ApprovalDecisionInput;
}

export interface VerifiedApproval {
  by: string;
  signedAt: string;
  keyFingerprint: string;
}

/**
 * Accepts a decision only when a listed approver signed it with the key the workers know for them, for this
 * very run and evidence, recently. Each refusal says which check failed.
 */
export async function verifyApproval({ expected, approval }: VerifyApprovalInput): Promise<VerifiedApproval> {
  const { statement, signature } = approval ?? {};
  if (!statement || typeof statement !== 'object' || typeof signature !== 'string' || signature === '') {
    throw fail('ApprovalRefused', 'unsigned decision: sign it with `tempered approve|reject` and your approver key');
  }
  const by = String(statement.by);
  if (!expected.approvers.includes(by)) throw fail('ApprovalRefused', `${by} is not an approver of this pipeline (approvers: ${expected.approvers.join(', ')})`);
  const publicKey = approverKeys().get(by);
  if (!publicKey) throw fail('ApprovalRefused', `${by} has no public key in the workers' TEMPERED_APPROVER_KEYS file`);
  if (!statementSignedBy(statement, signature, publicKey)) throw fail('ApprovalRefused', `the signature does not verify with ${by}'s key`);
  if (statement.workflowId !== expected.workflowId || statement.runId !== expected.runId) {
    throw fail('ApprovalRefused', `the decision was signed for ${statement.workflowId} (run ${statement.runId}), not for this run`);
  }
  if (statement.evidenceSha256 !== expected.evidenceSha256) {
    throw fail('ApprovalRefused', `the decision was signed for evidence ${statement.evidenceSha256}, but this deployment's evidence is ${expected.evidenceSha256}`);
  }
  if (statement.decision !== expected.decision) throw fail('ApprovalRefused', `the signed decision is "${statement.decision}", not "${expected.decision}"`);
  const age = Date.now() - Date.parse(statement.signedAt);
  if (!Number.isFinite(age) || age > SIGNATURE_MAX_AGE_MS || age < -SIGNATURE_MAX_AGE_MS) {
    throw fail('ApprovalRefused', `the decision was signed at ${statement.signedAt}, not within ${SIGNATURE_MAX_AGE_MS / 60_000} minutes of now; sign it again`);
  }
  return { by, signedAt: statement.signedAt, keyFingerprint: keyFingerprint(publicKey) };
}
