import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ArtifactIntegrityError,
  ArtifactNotFoundError,
  DIRECTORY_MEDIA_TYPE,
  ForeignArtifactError,
  JSON_MEDIA_TYPE,
  type ArtifactRef,
  type ArtifactStore,
  type DirectoryManifest,
} from '../../src/artifacts/store';

/** What the shared behaviour suite needs from each kind of store, beyond the store itself. */
export interface StoreHarness {
  store: ArtifactStore;
  /** A store of the same kind at a different root. */
  otherStore: ArtifactStore;
  /** Every object under the store's root, temp files included, as keys relative to the root. */
  listKeys(): Promise<string[]>;
  /** Replaces the object under `key` behind the store's back, as bit rot or tampering would. */
  overwrite(key: string, data: Buffer): Promise<void>;
  /** How many objects were created or rewritten while `action` ran. */
  writesDuring(action: () => Promise<unknown>): Promise<number>;
  /** Uploads begun but neither completed nor aborted (S3 multipart); 0 where there is no such thing. */
  pendingUploads(): Promise<number>;
  cleanup(): Promise<void>;
}

/** Big enough to go multipart in the S3 suite (which lowers the threshold), not so big that tests crawl. */
export const LARGE_FILE_BYTES = 13 * 1024 * 1024 + 123;

const BLOB_KEY = /^sha256\/([0-9a-f]{2})\/\1[0-9a-f]{62}$/;
const NAMED_KEY = /^named\/[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/;

/** The behaviour every ArtifactStore must have; each store's test file calls this with its harness. */
export function describeArtifactStoreBehaviour(makeHarness: () => Promise<StoreHarness>): void {
  let h: StoreHarness;
  let store: ArtifactStore;
  let scratch: string;

  beforeEach(async function () {
    h = await makeHarness();
    store = h.store;
    scratch = await mkdtemp(path.join(os.tmpdir(), 'tempered-artifacts-test-'));
  });

  afterEach(async function () {
    await h?.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  const blobKeyOf = (ref: ArtifactRef): string => ref.uri.slice(store.root.length + 1);

  describe('round trips', function () {
    it('stores bytes and returns a content-addressed ref', async function () {
      const data = randomBytes(10_000);
      const ref = await store.putBytes(data);
      const sha256 = createHash('sha256').update(data).digest('hex');
      assert.deepEqual(ref, { uri: `${store.root}/sha256/${sha256.slice(0, 2)}/${sha256}`, sha256, size: data.length });
      assert.ok(!('mediaType' in ref), 'no mediaType key unless one was given');
      assert.deepEqual(await store.getBytes(ref), data);
      assert.equal(await store.exists(ref), true);
    });

    it('stores strings as UTF-8 and keeps the media type on the ref', async function () {
      const ref = await store.putBytes('héllo wörld', { mediaType: 'text/plain' });
      assert.equal(ref.mediaType, 'text/plain');
      assert.equal(ref.size, Buffer.byteLength('héllo wörld'));
      assert.equal((await store.getBytes(ref)).toString('utf8'), 'héllo wörld');
    });

    it('stores empty bytes', async function () {
      const ref = await store.putBytes(new Uint8Array(0));
      assert.equal(ref.size, 0);
      assert.equal((await store.getBytes(ref)).length, 0);
      await store.getFile(ref, path.join(scratch, 'empty'));
      assert.equal((await stat(path.join(scratch, 'empty'))).size, 0);
    });

    it('stores JSON with the JSON media type', async function () {
      const value = { run: 'r-1', metrics: { loss: 0.25, steps: [1, 2, 3] }, note: null };
      const ref = await store.putJson(value);
      assert.equal(ref.mediaType, JSON_MEDIA_TYPE);
      assert.deepEqual(await store.getJson(ref), value);
    });

    it('stores a file and writes it back to a new nested path', async function () {
      const source = path.join(scratch, 'weights.bin');
      const data = randomBytes(1024 * 1024 + 7);
      await writeFile(source, data);
      const ref = await store.putFile(source, { mediaType: 'application/octet-stream' });
      assert.equal(ref.size, data.length);
      assert.equal(ref.mediaType, 'application/octet-stream');
      const dest = path.join(scratch, 'out', 'deeper', 'weights.bin');
      await store.getFile(ref, dest);
      assert.deepEqual(await readFile(dest), data);
      assert.deepEqual(await store.getBytes(ref), data);
    });

    it('stores a large file (multipart where the store has it)', async function () {
      const source = path.join(scratch, 'large.bin');
      const data = randomBytes(LARGE_FILE_BYTES);
      await writeFile(source, data);
      const ref = await store.putFile(source);
      assert.equal(ref.sha256, createHash('sha256').update(data).digest('hex'));
      const dest = path.join(scratch, 'large.out');
      await store.getFile(ref, dest);
      assert.deepEqual(await readFile(dest), data);
      assert.equal(await h.pendingUploads(), 0);
    });

    it('replaces an existing destination file on getFile', async function () {
      const ref = await store.putBytes('new contents');
      const dest = path.join(scratch, 'existing.txt');
      await writeFile(dest, 'old contents that are longer');
      await store.getFile(ref, dest);
      assert.equal(await readFile(dest, 'utf8'), 'new contents');
    });

    it('stores a directory as a manifest of its files and materialises it', async function () {
      const source = path.join(scratch, 'checkpoint');
      const files: Record<string, Buffer> = {
        'config.json': Buffer.from('{"layers": 2}'),
        'model-00001-of-00002.safetensors': randomBytes(300_000),
        'model-00002-of-00002.safetensors': randomBytes(200_000),
        'tokenizer/vocab.txt': Buffer.from('a\nb\nc\n'),
        'tokenizer/special/added.txt': Buffer.from('a\nb\nc\n'), // same bytes as vocab.txt
        'empty.txt': Buffer.alloc(0),
      };
      await writeTree(source, files);

      const ref = await store.putDirectory(source);
      assert.equal(ref.mediaType, DIRECTORY_MEDIA_TYPE);
      const manifest = await store.getJson<DirectoryManifest>(ref);
      assert.deepEqual(
        manifest.files.map((f) => f.path),
        Object.keys(files).sort((a, b) => (a < b ? -1 : 1)),
      );
      for (const entry of manifest.files) {
        const data = files[entry.path]!;
        assert.deepEqual(entry, { path: entry.path, sha256: sha256Of(data), size: data.length });
      }
      assert.deepEqual(await store.putDirectory(source), ref, 'the same tree gives the same ref');

      const dest = path.join(scratch, 'restored');
      await store.getDirectory(ref, dest);
      assert.deepEqual(await readTree(dest), files);
    });

    it('re-materialising a directory rewrites only missing or changed files', async function () {
      const source = path.join(scratch, 'dataset');
      const files = { 'train.jsonl': randomBytes(50_000), 'eval.jsonl': randomBytes(20_000), 'meta/info.json': Buffer.from('{}') };
      await writeTree(source, files);
      const ref = await store.putDirectory(source);
      const dest = path.join(scratch, 'copy');
      await store.getDirectory(ref, dest);

      await writeFile(path.join(dest, 'train.jsonl'), 'damaged');
      await unlink(path.join(dest, 'meta', 'info.json'));
      await writeFile(path.join(dest, 'extra.txt'), 'not in the manifest');
      const untouched = await stat(path.join(dest, 'eval.jsonl'));

      await store.getDirectory(ref, dest);
      assert.deepEqual(await readTree(dest), { ...files, 'extra.txt': Buffer.from('not in the manifest') });
      const after = await stat(path.join(dest, 'eval.jsonl'));
      assert.equal(after.ino, untouched.ino, 'a file with the right hash is not rewritten');
      assert.equal(after.mtimeMs, untouched.mtimeMs);
    });
  });

  describe('idempotent puts', function () {
    it('putting the same bytes twice gives the same ref and writes nothing the second time', async function () {
      const data = randomBytes(4096);
      const first = await store.putBytes(data);
      let second: ArtifactRef | undefined;
      assert.equal(await h.writesDuring(async () => (second = await store.putBytes(data))), 0);
      assert.deepEqual(second, first);
      assert.deepEqual(await blobKeys(h), [blobKeyOf(first)]);
      assert.equal(await h.writesDuring(() => store.putBytes(randomBytes(10))), 1, 'new bytes are one write');
    });

    it('a file with the same bytes maps to the same blob without a write', async function () {
      const data = randomBytes(100_000);
      const fromBytes = await store.putBytes(data);
      const source = path.join(scratch, 'same.bin');
      await writeFile(source, data);
      let fromFile: ArtifactRef | undefined;
      assert.equal(await h.writesDuring(async () => (fromFile = await store.putFile(source))), 0);
      assert.deepEqual(fromFile, fromBytes);
      assert.equal(await h.writesDuring(() => store.putFile(source)), 0);
      assert.deepEqual(await blobKeys(h), [blobKeyOf(fromBytes)]);
    });

    it('concurrent puts of the same bytes agree and leave one object', async function () {
      const data = randomBytes(256 * 1024);
      const refs = await Promise.all(Array.from({ length: 6 }, () => store.putBytes(data)));
      for (const ref of refs) assert.deepEqual(ref, refs[0]);
      assert.deepEqual(await h.listKeys(), [blobKeyOf(refs[0]!)]);
      assert.deepEqual(await store.getBytes(refs[0]!), data);
    });

    it('a directory stored twice writes nothing the second time', async function () {
      const source = path.join(scratch, 'tree');
      await writeTree(source, { 'a.txt': Buffer.from('a'), 'b/c.txt': Buffer.from('c') });
      const first = await store.putDirectory(source);
      const keys = await h.listKeys();
      assert.equal(keys.length, 3, 'two files and a manifest');
      assert.equal(await h.writesDuring(() => store.putDirectory(source)), 0);
      assert.deepEqual(await store.putDirectory(source), first);
    });
  });

  describe('verification on read', function () {
    it('rejects a blob whose bytes were corrupted in place', async function () {
      const data = Buffer.from(JSON.stringify({ answer: 42, padding: 'x'.repeat(500) }));
      const ref = await store.putBytes(data, { mediaType: JSON_MEDIA_TYPE });
      const corrupt = Buffer.from(data);
      corrupt[100] = corrupt[100]! ^ 0xff; // same size, different hash
      await h.overwrite(blobKeyOf(ref), corrupt);

      const isIntegrityError = (err: unknown): boolean => {
        assert.ok(err instanceof ArtifactIntegrityError, `expected ArtifactIntegrityError, got ${String(err)}`);
        assert.match(err.message, new RegExp(escapeRegExp(ref.uri)));
        assert.match(err.message, new RegExp(`expected sha256 ${ref.sha256}`));
        assert.match(err.message, new RegExp(`got sha256 ${sha256Of(corrupt)}`));
        return true;
      };
      await assert.rejects(store.getBytes(ref), isIntegrityError);
      await assert.rejects(store.getJson(ref), isIntegrityError);
      const dest = path.join(scratch, 'out', 'answer.json');
      await assert.rejects(store.getFile(ref, dest), isIntegrityError);
      assert.deepEqual(await readdir(path.dirname(dest)), [], 'neither the file nor a temp file is left behind');
    });

    it('rejects a blob whose size changed', async function () {
      const ref = await store.putBytes('twelve bytes');
      await h.overwrite(blobKeyOf(ref), Buffer.from('thirteen bytes'));
      await assert.rejects(store.getBytes(ref), ArtifactIntegrityError);
      assert.equal(await store.exists(ref), false, 'a blob of the wrong size does not count as stored');
    });

    it('rejects a corrupted file inside a directory artifact', async function () {
      const source = path.join(scratch, 'dir');
      await writeTree(source, { 'good.txt': Buffer.from('good'), 'bad.txt': Buffer.from('soon to be bad') });
      const ref = await store.putDirectory(source);
      const manifest = await store.getJson<DirectoryManifest>(ref);
      const bad = manifest.files.find((f) => f.path === 'bad.txt')!;
      await h.overwrite(`sha256/${bad.sha256.slice(0, 2)}/${bad.sha256}`, Buffer.from('soon to be BAD'));
      await assert.rejects(store.getDirectory(ref, path.join(scratch, 'restored')), (err: unknown) => {
        assert.ok(err instanceof ArtifactIntegrityError);
        assert.match(err.message, new RegExp(bad.sha256));
        return true;
      });
      assert.ok(!(await readdir(path.join(scratch, 'restored'))).includes('bad.txt'));
    });

    it('reports a missing blob by its URI', async function () {
      const data = randomBytes(64);
      const sha256 = sha256Of(data);
      const ref: ArtifactRef = { uri: `${store.root}/sha256/${sha256.slice(0, 2)}/${sha256}`, sha256, size: data.length };
      assert.equal(await store.exists(ref), false);
      const isNotFound = (err: unknown): boolean => {
        assert.ok(err instanceof ArtifactNotFoundError, `expected ArtifactNotFoundError, got ${String(err)}`);
        assert.match(err.message, new RegExp(escapeRegExp(ref.uri)));
        return true;
      };
      await assert.rejects(store.getBytes(ref), isNotFound);
      await assert.rejects(store.getFile(ref, path.join(scratch, 'missing')), isNotFound);
      await assert.rejects(readFile(path.join(scratch, 'missing')), { code: 'ENOENT' });
    });
  });

  describe('refs from elsewhere', function () {
    it('rejects a ref from another store, naming both', async function () {
      const foreign = await h.otherStore.putBytes('stored elsewhere');
      assert.notEqual(h.otherStore.root, store.root);
      const isForeign = (err: unknown): boolean => {
        assert.ok(err instanceof ForeignArtifactError, `expected ForeignArtifactError, got ${String(err)}`);
        assert.match(err.message, new RegExp(escapeRegExp(foreign.uri)));
        assert.match(err.message, new RegExp(escapeRegExp(store.root)));
        return true;
      };
      await assert.rejects(store.getBytes(foreign), isForeign);
      await assert.rejects(store.getFile(foreign, path.join(scratch, 'x')), isForeign);
      await assert.rejects(store.exists(foreign), isForeign);
      await assert.rejects(store.getDirectory(foreign, path.join(scratch, 'd')), isForeign);
    });

    it('rejects a ref whose uri does not match its sha256', async function () {
      const ref = await store.putBytes('real');
      const other = sha256Of(Buffer.from('other'));
      await assert.rejects(store.getBytes({ ...ref, sha256: other }), /does not match its sha256/);
    });

    it('rejects a ref that merely starts with the root string', async function () {
      const ref = await store.putBytes('real');
      await assert.rejects(store.getBytes({ ...ref, uri: ref.uri.replace(store.root, `${store.root}-evil`) }), ForeignArtifactError);
    });
  });

  describe('scopes', function () {
    it('keeps a scope\'s blobs apart: its refs are foreign to the parent and to other scopes', async function () {
      const run = store.scope('checkpoints/run-a');
      const other = store.scope('checkpoints/run-b');
      const ref = await run.putBytes('optimizer state');
      assert.ok(ref.uri.startsWith(`${store.root}/scopes/checkpoints/run-a/`), ref.uri);
      assert.equal((await run.getBytes(ref)).toString(), 'optimizer state');
      await assert.rejects(store.getBytes(ref), ForeignArtifactError);
      await assert.rejects(other.getBytes(ref), ForeignArtifactError);
      assert.equal(await store.exists(refIn(store.root, Buffer.from('optimizer state'))), false, 'nothing stored outside the scope');
      for (const bad of ['', '../escape', 'a/../../b', '/abs']) assert.throws(() => store.scope(bad), /Invalid document name/);
    });

    it('deletes a directory except the files a kept directory shares, and may repeat the deletion', async function () {
      const run = store.scope('checkpoints/run-c');
      const shared = { 'adapter_config.json': Buffer.from('{"r": 4}') };
      await writeTree(path.join(scratch, 'checkpoint-4'), { ...shared, 'optimizer.pt': Buffer.from('state at 4') });
      await writeTree(path.join(scratch, 'checkpoint-8'), { ...shared, 'optimizer.pt': Buffer.from('state at 8') });
      const four = await run.putDirectory(path.join(scratch, 'checkpoint-4'));
      const eight = await run.putDirectory(path.join(scratch, 'checkpoint-8'));
      const unrelated = await store.putBytes('state at 4');

      await run.deleteDirectory(four, [eight]);
      await run.deleteDirectory(four, [eight]);
      assert.equal(await run.exists(four), false, 'the manifest is gone');
      assert.equal(await run.exists(refIn(run.root, Buffer.from('state at 4'))), false, 'the file only checkpoint 4 had is gone');
      await run.getDirectory(eight, path.join(scratch, 'restored'));
      assert.deepEqual(await readTree(path.join(scratch, 'restored')), { ...shared, 'optimizer.pt': Buffer.from('state at 8') });
      assert.equal((await store.getBytes(unrelated)).toString(), 'state at 4', 'the same bytes outside the scope stay');
    });
  });

  describe('named documents', function () {
    it('writes, replaces and reads documents', async function () {
      assert.equal(await store.readNamed('registry/index.json'), undefined);
      await store.writeNamed('registry/index.json', JSON.stringify({ models: [] }));
      assert.deepEqual(JSON.parse((await store.readNamed('registry/index.json'))!.toString()), { models: [] });
      await store.writeNamed('registry/index.json', Buffer.from('{"models":["m1"]}'));
      assert.equal((await store.readNamed('registry/index.json'))!.toString(), '{"models":["m1"]}');
    });

    it('lists names by prefix, sorted', async function () {
      for (const name of ['registry/index.json', 'registry/models/b.json', 'registry/models/a.json', 'runs/r1.json', 'top']) {
        await store.writeNamed(name, name);
      }
      assert.deepEqual(await store.listNamed('registry/'), ['registry/index.json', 'registry/models/a.json', 'registry/models/b.json']);
      assert.deepEqual(await store.listNamed('registry/models/'), ['registry/models/a.json', 'registry/models/b.json']);
      assert.deepEqual(await store.listNamed('reg'), ['registry/index.json', 'registry/models/a.json', 'registry/models/b.json']);
      assert.deepEqual(await store.listNamed('registry/models/a'), ['registry/models/a.json']);
      assert.deepEqual(await store.listNamed(''), [
        'registry/index.json',
        'registry/models/a.json',
        'registry/models/b.json',
        'runs/r1.json',
        'top',
      ]);
      assert.deepEqual(await store.listNamed('nothing/'), []);
      assert.equal(await store.readNamed('registry'), undefined, 'a prefix of names is not a document');
    });

    it('refuses names that could escape the named area', async function () {
      for (const name of ['', '../x', '/abs', 'a/../b', 'a//b', 'a/', '.hidden', 'a/./b', 'back\\slash', 'a/..']) {
        await assert.rejects(store.writeNamed(name, 'x'), /Invalid document name/, `name ${JSON.stringify(name)}`);
        await assert.rejects(store.readNamed(name), /Invalid document name/, `name ${JSON.stringify(name)}`);
      }
      for (const prefix of ['/abs', '../', 'a/../b']) {
        await assert.rejects(store.listNamed(prefix), /Invalid document name prefix/);
      }
      assert.deepEqual(await h.listKeys(), []);
    });

    it('keeps named documents apart from blobs', async function () {
      await store.putBytes('a blob');
      await store.writeNamed('doc', 'a document');
      assert.deepEqual(await store.listNamed(''), ['doc']);
      assert.equal((await blobKeys(h)).length, 1);
    });
  });

  describe('conditional writes of named documents', function () {
    const name = 'registry/pipeline/index.json';

    it('creates a document only if it is absent: the first create wins, the next reports a conflict', async function () {
      assert.equal(await store.readNamedVersioned(name), undefined);
      assert.equal(await store.writeNamedIf(name, 'first', null), true);
      assert.equal(await store.writeNamedIf(name, 'second', null), false);
      const doc = await store.readNamedVersioned(name);
      assert.equal(doc?.data.toString(), 'first');
      assert.ok(typeof doc?.version === 'string' && doc.version.length > 0, 'a version to write against');
    });

    it('replaces a document only at the version it was read at; a stale version leaves the newer content', async function () {
      await store.writeNamedIf(name, 'v1', null);
      const v1 = (await store.readNamedVersioned(name))!;
      assert.equal(await store.writeNamedIf(name, 'v2', v1.version), true);
      const v2 = (await store.readNamedVersioned(name))!;
      assert.notEqual(v2.version, v1.version);
      assert.equal(await store.writeNamedIf(name, 'v3 from a stale read', v1.version), false);
      assert.equal((await store.readNamed(name))!.toString(), 'v2');
      assert.equal(await store.writeNamedIf(name, 'v3', v2.version), true);
      assert.equal((await store.readNamed(name))!.toString(), 'v3');
    });

    it('a plain write moves the version on, so a conditional write based on an earlier read conflicts', async function () {
      await store.writeNamed(name, 'old');
      const read = (await store.readNamedVersioned(name))!;
      await store.writeNamed(name, 'written in between');
      assert.equal(await store.writeNamedIf(name, 'based on old', read.version), false);
      assert.equal((await store.readNamed(name))!.toString(), 'written in between');
    });

    for (const start of ['absent', 'present'] as const) {
      it(`of 8 concurrent writers expecting the same version (document ${start}), exactly one wins`, async function () {
        if (start === 'present') await store.writeNamed(name, 'start');
        const expected = start === 'present' ? (await store.readNamedVersioned(name))!.version : null;
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.writeNamedIf(name, `writer ${i}`, expected)),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        assert.equal(winners.length, 1, `winners: ${JSON.stringify(winners)}`);
        assert.equal((await store.readNamed(name))!.toString(), `writer ${winners[0]}`);
        assert.deepEqual(await store.listNamed(''), [name], 'no lock or temp file shows as a document');
        for (const key of await h.listKeys()) assert.match(key, NAMED_KEY, 'no lock or temp file is left behind');
      });
    }

    it('refuses an expected version that is neither a version nor null, writing nothing', async function () {
      for (const version of [undefined, '']) {
        await assert.rejects(store.writeNamedIf(name, 'x', version as unknown as null), /expected version must be a version from readNamedVersioned/);
      }
      assert.equal(await store.readNamed(name), undefined);
    });

    it('refuses invalid names', async function () {
      await assert.rejects(store.writeNamedIf('../x', 'x', null), /Invalid document name/);
      await assert.rejects(store.readNamedVersioned('../x'), /Invalid document name/);
    });
  });

  describe('atomicity', function () {
    it('leaves only complete objects, never temp files, after every kind of put', async function () {
      const file = path.join(scratch, 'f.bin');
      await writeFile(file, randomBytes(200_000));
      const large = path.join(scratch, 'large.bin');
      await writeFile(large, randomBytes(LARGE_FILE_BYTES));
      const dir = path.join(scratch, 'd');
      await writeTree(dir, { 'x.txt': Buffer.from('x'), 'y/z.txt': Buffer.from('z') });

      await Promise.all([
        store.putBytes('bytes'),
        store.putJson({ json: true }),
        store.putFile(file),
        store.putFile(file),
        store.putFile(large),
        store.putDirectory(dir),
        store.writeNamed('registry/index.json', '{}'),
        store.writeNamed('registry/index.json', '{"v":2}'),
      ]);
      const keys = await h.listKeys();
      for (const key of keys) assert.match(key, new RegExp(`${BLOB_KEY.source}|${NAMED_KEY.source}`));
      assert.equal(keys.filter((k) => BLOB_KEY.test(k)).length, 7, 'bytes, json, file, large, 2 dir files, manifest');
      assert.equal(await h.pendingUploads(), 0);
      assert.ok(['{}', '{"v":2}'].includes((await store.readNamed('registry/index.json'))!.toString()));
    });

    it('leaves nothing behind when a put fails', async function () {
      await assert.rejects(store.putFile(path.join(scratch, 'does-not-exist')), { code: 'ENOENT' });
      await assert.rejects(store.putDirectory(path.join(scratch, 'no-dir')), { code: 'ENOENT' });
      assert.deepEqual(await h.listKeys(), []);
    });

    it('getFile leaves only the destination file in its directory', async function () {
      const ref = await store.putBytes(randomBytes(300_000));
      const destDir = path.join(scratch, 'dest');
      await Promise.all([1, 2, 3].map(() => store.getFile(ref, path.join(destDir, 'model.bin'))));
      assert.deepEqual(await readdir(destDir), ['model.bin']);
    });
  });
}

async function blobKeys(h: StoreHarness): Promise<string[]> {
  return (await h.listKeys()).filter((k) => k.startsWith('sha256/'));
}

/** The ref the bytes would have in the store at `root`. */
function refIn(root: string, data: Buffer): ArtifactRef {
  const sha256 = sha256Of(data);
  return { uri: `${root}/sha256/${sha256.slice(0, 2)}/${sha256}`, sha256, size: data.length };
}

function sha256Of(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function writeTree(root: string, files: Record<string, Buffer>): Promise<void> {
  for (const [rel, data] of Object.entries(files)) {
    const file = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }
}

async function readTree(root: string, prefix = ''): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, await readTree(root, rel));
    else out[rel] = await readFile(path.join(root, rel));
  }
  return out;
}
