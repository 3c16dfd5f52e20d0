import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { ApprovalStatement } from '../pipeline/types';

/** A signed decision older than this is refused: a captured signature is worth little for long. */
export const SIGNATURE_MAX_AGE_MS = 10 * 60_000;

/** Ed25519 over the statement's canonical JSON: every field, the comment included, is covered. */
export function signStatement(statement: ApprovalStatement, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(statement)), privateKey).toString('base64');
}

export function statementSignedBy(statement: ApprovalStatement, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(statement)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** A short, stable name for a public key, recorded with each decision. */
export function keyFingerprint(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16)}`;
}
