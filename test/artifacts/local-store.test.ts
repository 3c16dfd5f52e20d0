import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lockFileFor, STALE_LOCK_MS } from '../../src/artifacts/file-lock';
import { LocalArtifactStore } from '../../src/artifacts/store';
import { describeArtifactStoreBehaviour, type StoreHarness } from './store-behaviour';

describe('LocalArtifactStore', function () {
  this.timeout(30_000);

  describeArtifactStoreBehaviour(async (): Promise<StoreHarness> => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'tempered-local-store-'));
    const dir = path.join(base, 'artifacts');
    return {
      store: new LocalArtifactStore({ dir }),
      otherStore: new LocalArtifactStore({ dir: path.join(base, 'elsewhere') }),
      listKeys: async () => (await listFiles(dir)).map((f) => f.key),
      overwrite: (key, data) => writeFile(path.join(dir, key), data),
      writesDuring: async (action) => {
        // A write either creates a file or renames a new one over it; both change the inode or mtime.
        const before = new Map((await listFiles(dir)).map((f) => [f.key, f.identity]));
        await action();
        return (await listFiles(dir)).filter((f) => before.get(f.key) !== f.identity).length;
      },
      pendingUploads: async () => 0,
      cleanup: () => rm(base, { recursive: true, force: true }),
    };
  });

  describe('document locks', function () {
    const name = 'registry/pipeline/index.json';
    let base: string;
    let store: LocalArtifactStore;
    let lockFile: string;

    beforeEach(async function () {
      base = await mkdtemp(path.join(os.tmpdir(), 'tempered-local-lock-'));
      store = new LocalArtifactStore({ dir: base });
      lockFile = lockFileFor(path.join(base, 'named', ...name.split('/')));
    });

    afterEach(async function () {
      await rm(base, { recursive: true, force: true });
    });

    /** A lock file as a process that died while writing would leave it. */
    const leaveLock = async (ageMs: number): Promise<void> => {
      await mkdir(path.dirname(lockFile), { recursive: true });
      await writeFile(lockFile, 'pid 999999 on a-dead-host\n');
      const then = new Date(Date.now() - ageMs);
      await utimes(lockFile, then, then);
    };

    it('takes over a lock left by a dead process once it is stale', async function () {
      await store.writeNamed(name, 'before the crash');
      const read = (await store.readNamedVersioned(name))!;
      await leaveLock(STALE_LOCK_MS + 60_000);
      const started = Date.now();
      assert.equal(await store.writeNamedIf(name, 'after the crash', read.version), true);
      assert.ok(Date.now() - started < 5_000, 'no waiting on a stale lock');
      assert.equal((await store.readNamed(name))!.toString(), 'after the crash');
      assert.deepEqual(await readdir(path.dirname(lockFile)), ['index.json'], 'the stale lock is gone');
    });

    it('of 8 writers taking over one stale lock at once, exactly one wins', async function () {
      await leaveLock(STALE_LOCK_MS + 60_000);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.writeNamedIf(name, `writer ${i}`, null)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.deepEqual(await readdir(path.dirname(lockFile)), ['index.json']);
    });

    it('waits while a live writer holds the lock', async function () {
      await leaveLock(0);
      let settled = false;
      const write = store.writeNamedIf(name, 'after the holder', null).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(settled, false, 'still waiting for the lock');
      await rm(lockFile);
      assert.equal(await write, true);
      assert.equal((await store.readNamed(name))!.toString(), 'after the holder');
    });
  });

  it('has a file:// root for its absolute directory', function () {
    const store = new LocalArtifactStore({ dir: 'relative/artifacts' });
    assert.equal(store.root, pathToFileURL(path.resolve('relative/artifacts')).href);
    assert.equal(store.dir, path.resolve('relative/artifacts'));
  });
});

/** Every file under `dir` (dot files included: temp files must show up), with what changes when it is rewritten. */
async function listFiles(dir: string, prefix = ''): Promise<Array<{ key: string; identity: string }>> {
  let entries;
  try {
    entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Array<{ key: string; identity: string }> = [];
  for (const entry of entries) {
    const key = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      out.push(...(await listFiles(dir, key)));
    } else {
      const info = await stat(path.join(dir, key), { bigint: true });
      out.push({ key, identity: `${info.ino}:${info.mtimeNs}` });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}
