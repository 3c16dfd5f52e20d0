import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
