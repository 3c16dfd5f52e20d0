import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactStoreError } from './errors';
import { fileMatches, isSha256Hex, type Digest } from './hashing';

/**
 * Directory artifacts (datasets, model checkpoints): each file is its own blob, and a manifest
 * listing them is the artifact. Identical files are stored once, and a re-download only fetches
 * the files that differ.
 */

export const DIRECTORY_MEDIA_TYPE = 'application/vnd.tempered.directory+json';

export interface ManifestEntry extends Digest {
  /** Relative to the directory, '/'-separated. */
  path: string;
}

export interface DirectoryManifest {
  files: ManifestEntry[];
}

/** Bounded so a checkpoint with hundreds of shards neither runs serially nor opens hundreds of uploads. */
const FILE_CONCURRENCY = 4;

/** Every regular file under `dir` (following symlinks to files), as sorted '/'-separated relative paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(relative: string): Promise<void> {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await walk(rel);
      } else if (entry.isFile()) {
        found.push(rel);
      } else if (entry.isSymbolicLink()) {
        // Hugging Face caches link weights into blob folders; follow links to files only, so a link cycle cannot loop.
        const target = await stat(path.join(dir, rel));
        if (!target.isFile()) throw new ArtifactStoreError(`Cannot store ${path.join(dir, rel)}: only symlinks to files are supported`);
        found.push(rel);
      } else {
        throw new ArtifactStoreError(`Cannot store ${path.join(dir, rel)}: not a regular file or directory`);
      }
    }
  }
  await walk('');
  // Code-unit order, not locale order: the same tree must always give the same manifest (and ref).
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Parses and checks a manifest; its paths come from storage, so they must not escape the destination. */
export function parseManifest(bytes: Buffer, uri: string): DirectoryManifest {
  const fail = (why: string): never => {
    throw new ArtifactStoreError(`Artifact ${uri} is not a valid directory manifest: ${why}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    fail('not JSON');
  }
  const files = (value as { files?: unknown } | null)?.files;
  if (!Array.isArray(files)) fail('missing "files" array');
  const seen = new Set<string>();
  for (const entry of files as unknown[]) {
    const { path: p, sha256, size } = (entry ?? {}) as Partial<ManifestEntry>;
    if (typeof p !== 'string' || !isSafeRelativePath(p)) fail(`unsafe or missing path ${JSON.stringify(p)}`);
    if (!isSha256Hex(sha256)) fail(`bad sha256 for ${p}`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) fail(`bad size for ${p}`);
    if (seen.has(p as string)) fail(`duplicate path ${p}`);
    seen.add(p as string);
  }
  return { files: files as ManifestEntry[] };
}

function isSafeRelativePath(p: string): boolean {
  return p.length > 0 && !p.includes('\\') && !p.includes('\0') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Uploads every file, then returns the manifest to store (the caller stores it, so it goes last). */
export async function buildManifest(dir: string, putFile: (file: string) => Promise<Digest>): Promise<DirectoryManifest> {
  const paths = await listFiles(dir);
  const files = await mapLimit(paths, FILE_CONCURRENCY, async (rel) => {
    const { sha256, size } = await putFile(path.join(dir, ...rel.split('/')));
    return { path: rel, sha256, size };
  });
  return { files };
}

/** Writes every manifest file under `destDir`, skipping those already there with the right bytes. */
export async function materialise(
  manifest: DirectoryManifest,
  destDir: string,
  getFile: (digest: Digest, dest: string) => Promise<void>,
): Promise<void> {
  await mapLimit(manifest.files, FILE_CONCURRENCY, async (entry) => {
    const dest = path.join(destDir, ...entry.path.split('/'));
    if (!(await fileMatches(dest, entry))) await getFile(entry, dest);
  });
}

/**
 * Like Promise.all over `items.map(fn)` with at most `limit` calls running; results keep input order.
 * After a failure no new calls start, and it waits for running ones, so nothing writes after it returns.
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}
