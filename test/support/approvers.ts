import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signStatement } from '../../src/approvals/signature';
import type { ApprovalDecisionInput, ApprovalStatement } from '../../src/pipeline/types';

export interface TestApprover {
  name: string;
  privateKey: KeyObject;
  /** The PEM file `tempered approve --key` reads. */
  keyFile: string;
  /** The key file's text, to search for in histories. */
  privateKeyPem: string;
  sign(statement: Omit<ApprovalStatement, 'kind' | 'by' | 'signedAt'> & { signedAt?: string }): ApprovalDecisionInput;
}

/** Key pairs for approvers; the public halves go to a TEMPERED_APPROVER_KEYS file as the workers read it. */
export function useTestApprovers(names: string[]): Record<string, TestApprover> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-approvers-'));
  const approvers: Record<string, TestApprover> = {};
  const lines: string[] = [];
  for (const name of names) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const keyFile = path.join(dir, `${name}.pem`);
    fs.writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    lines.push(`${name}: ${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`);
    approvers[name] = {
      name,
      privateKey,
      keyFile,
      privateKeyPem,
      sign(partial) {
        const statement: ApprovalStatement = { kind: 'tempered.approval/v1', by: name, signedAt: new Date().toISOString(), ...partial };
        return { statement, signature: signStatement(statement, privateKey) };
      },
    };
  }
  const keysFile = path.join(dir, 'approver-keys.yaml');
  fs.writeFileSync(keysFile, `${lines.join('\n')}\n`);
  process.env.TEMPERED_APPROVER_KEYS = keysFile;
  return approvers;
}
