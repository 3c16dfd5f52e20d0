import { createPublicKey, type KeyObject } from 'node:crypto';
import { fail } from '../failures';
import { readNameMapFile } from './name-map-file';

/**
 * Approvers' public keys: `TEMPERED_APPROVER_KEYS` names a YAML file of `name: <Ed25519 public key>` lines
 * on the control workers, the key as base64 SPKI (the body of `openssl pkey -pubout`, or what
 * `tempered keygen` prints). Only whoever deploys the workers can add an approver.
 */
export function approverKeys(env: NodeJS.ProcessEnv = process.env): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const [name, encoded] of readNameMapFile('TEMPERED_APPROVER_KEYS', env)) {
    keys.set(name, parsePublicKey(encoded, name));
  }
  return keys;
}

export function parsePublicKey(encoded: string, name: string): KeyObject {
  let key: KeyObject;
  try {
    key = encoded.includes('-----BEGIN')
      ? createPublicKey(encoded)
      : createPublicKey({ key: Buffer.from(encoded, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw fail('WorkerMisconfigured', `TEMPERED_APPROVER_KEYS: the key of "${name}" is not a public key (expected base64 SPKI or PEM)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw fail('WorkerMisconfigured', `TEMPERED_APPROVER_KEYS: the key of "${name}" is ${key.asymmetricKeyType}, expected ed25519`);
  return key;
}
