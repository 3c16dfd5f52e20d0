import fs from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { EXIT, printJson } from '../output';

/**
 * `tempered keygen --name ana --out ana.pem`: an Ed25519 key pair for an approver. The private key stays
 * with the approver (mode 0600); the printed line goes into the workers' TEMPERED_APPROVER_KEYS file.
 */
export function keygenCommand(opts: { name: string; out: string; json?: boolean }): number {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/.test(opts.name)) throw new Error(`--name ${opts.name}: expected letters, digits, "_", ".", "@" or "-"`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': never overwrite an existing key, which would lock its owner out.
  fs.writeFileSync(opts.out, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  const line = `${opts.name}: ${publicKey.export({ format: 'der', type: 'spki' }).toString('base64')}`;
  if (opts.json) printJson({ name: opts.name, privateKeyFile: opts.out, approverKeysLine: line });
  else console.log(`private key written to ${opts.out} (keep it; set TEMPERED_APPROVER_KEY=${opts.out})\nadd this line to the workers' TEMPERED_APPROVER_KEYS file:\n${line}`);
  return EXIT.ok;
}
