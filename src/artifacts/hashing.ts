import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** What identifies a blob: its SHA-256 (lowercase hex) and its length in bytes. */
export interface Digest {
  sha256: string;
  size: number;
}

/** Incremental SHA-256 that also counts bytes, so one pass over a stream yields a whole Digest. */
export class DigestAccumulator {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.size += chunk.byteLength;
  }

  digest(): Digest {
    return { sha256: this.hash.digest('hex'), size: this.size };
  }
}

export function digestOf(data: Uint8Array): Digest {
  return { sha256: createHash('sha256').update(data).digest('hex'), size: data.byteLength };
}

/** Hashes a file as a stream, so model weights never have to fit in memory. */
export async function hashFile(path: string): Promise<Digest> {
  const acc = new DigestAccumulator();
  for await (const chunk of createReadStream(path)) acc.update(chunk as Buffer);
  return acc.digest();
}

export function sameDigest(a: Digest, b: Digest): boolean {
  return a.sha256 === b.sha256 && a.size === b.size;
}

/** True if `path` is a regular file holding exactly these bytes; the size check avoids hashing most mismatches. */
export async function fileMatches(path: string, expected: Digest): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size !== expected.size) return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  return sameDigest(await hashFile(path), expected);
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** S3 wants checksums base64-encoded; refs carry hex. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
