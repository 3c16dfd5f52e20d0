import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DigestAccumulator, type Digest } from './hashing';

/**
 * Writes `dest` so that readers only ever see the old file or the complete new one: the bytes go
 * to a temp file in the same directory (so rename is atomic), are flushed with fsync, and only
 * then renamed over `dest`. `check` sees the digest of what was written and may throw to abandon
 * the write (a corrupt download, a source that changed mid-copy); the temp file is removed then.
 */
export async function writeFileAtomically(
  dest: string,
  content: Uint8Array | AsyncIterable<Uint8Array>,
  check?: (written: Digest) => void,
): Promise<Digest> {
  const dir = path.dirname(dest);
  await mkdir(dir, { recursive: true });
  // Dot-prefixed and random, so concurrent writers of the same file never share a temp file.
  const temp = path.join(dir, `.${path.basename(dest)}.tmp-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx');
  let renamed = false;
  try {
    const acc = new DigestAccumulator();
    const chunks = content instanceof Uint8Array ? [content] : content;
    for await (const chunk of chunks) {
      acc.update(chunk);
      await writeAll(handle, chunk);
    }
    await handle.sync();
    await handle.close();
    const written = acc.digest();
    check?.(written);
    await rename(temp, dest);
    renamed = true;
    await syncDirectory(dir);
    return written;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined); // already closed on the success path
      await unlink(temp).catch(() => undefined);
    }
  }
}

async function writeAll(handle: import('node:fs/promises').FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Persists the rename itself; without it a power loss can forget the new directory entry. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the data itself is already durable.
  } finally {
    await handle?.close();
  }
}
