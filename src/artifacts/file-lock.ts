import { link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ArtifactStoreError } from './errors';

/**
 * A lock this old was left by a process that died holding it: holders keep a lock for one
 * read and one write of a small document, milliseconds.
 */
export const STALE_LOCK_MS = 30_000;

/** The lock of `file`: dot-prefixed, so listings of documents never show it. */
export function lockFileFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.lock`);
}

/**
 * Runs `critical` while holding `lockFile`, which only one process at a time can create ('wx'),
 * on this machine or across a shared filesystem. Waiters poll until it is released, or until it
 * is older than `staleMs` and they take it over.
 */
export async function withFileLock<T>(lockFile: string, critical: () => Promise<T>, staleMs = STALE_LOCK_MS): Promise<T> {
  const held = await acquire(lockFile, staleMs);
  try {
    return await critical();
  } finally {
    await release(lockFile, held);
  }
}

/** What tells one lock file from the next one at the same path: inode numbers are reused, mtimes move on. */
type LockIdentity = string;

async function acquire(lockFile: string, staleMs: number): Promise<LockIdentity> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  // A lock cannot stay fresh that long unless the clocks disagree (a network filesystem) or someone keeps renewing it.
  const deadline = Date.now() + 3 * staleMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      try {
        await handle.writeFile(`pid ${process.pid} on ${hostname()}\n`); // for whoever finds it left behind
        return identityOf(await handle.stat({ bigint: true }));
      } finally {
        await handle.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await breakIfStale(lockFile, staleMs);
    if (Date.now() > deadline) {
      throw new ArtifactStoreError(
        `Could not lock ${lockFile} within ${(3 * staleMs) / 1000} s: another process keeps holding it. ` +
          `If none is writing this document, delete the lock file.`,
      );
    }
    await delay(Math.random() * Math.min(100, 5 * 2 ** attempt));
  }
}

/**
 * Removes `lockFile` if it is stale. It is renamed away first, which only one waiter can do to
 * a given file; if what moved turns out to be a fresh lock (another waiter took the stale one
 * over in between), it is put back.
 */
async function breakIfStale(lockFile: string, staleMs: number): Promise<void> {
  const seen = await statIfExists(lockFile);
  if (!seen || Date.now() - Number(seen.mtimeMs) < staleMs) return;
  const moved = `${lockFile}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockFile, moved);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // released or taken over meanwhile
    throw err;
  }
  const movedIdentity = identityOf(await stat(moved, { bigint: true }));
  if (movedIdentity !== identityOf(seen)) {
    // link, unlike rename, fails rather than replace a lock created since.
    await link(moved, lockFile).catch(() => undefined);
  }
  await unlink(moved);
}

/** Removes the lock only if it is still ours: after a stall past staleMs it may be someone else's. */
async function release(lockFile: string, held: LockIdentity): Promise<void> {
  const current = await statIfExists(lockFile);
  if (current && identityOf(current) === held) await unlink(lockFile).catch(() => undefined);
}

async function statIfExists(file: string) {
  try {
    return await stat(file, { bigint: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function identityOf(info: { ino: bigint; mtimeNs: bigint }): LockIdentity {
  return `${info.ino}:${info.mtimeNs}`;
}
