import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactRef, ScopedArtifactStore, VersionedDocument } from './artifact-store';
import { writeFileAtomically } from './atomic-file';
import { BaseArtifactStore, checkExpectedVersion } from './base-store';
import { ArtifactIntegrityError, ArtifactNotFoundError, ArtifactStoreError } from './errors';
import { lockFileFor, withFileLock } from './file-lock';
import { digestOf, hashFile, sameDigest, type Digest } from './hashing';
import { blobKey, checkNamePrefix, NAMED_PREFIX, namedKey, scopeKey } from './keys';

export interface LocalStoreConfig {
  kind: 'local';
  /** The store's directory; created on first write. */
  dir: string;
}

/** An artifact store in a local directory, for development and single-machine runs. */
export class LocalArtifactStore extends BaseArtifactStore {
  readonly dir: string;

  constructor(config: Omit<LocalStoreConfig, 'kind'>) {
    const dir = path.resolve(config.dir);
    super(pathToFileURL(dir).href.replace(/\/+$/, ''));
    this.dir = dir;
  }

  async putFile(file: string, opts?: { mediaType?: string }): Promise<ArtifactRef> {
    // Hash first: the key depends on it, and an already stored file then costs no write at all.
    const digest = await hashFile(file);
    const target = this.blobPath(digest.sha256);
    if (!(await hasSize(target, digest.size))) {
      await writeFileAtomically(target, createReadStream(file), (written) => {
        if (!sameDigest(written, digest)) {
          throw new ArtifactStoreError(`${file} changed while it was being stored; store it again once it is complete`);
        }
      });
    }
    return this.refFor(digest, opts?.mediaType);
  }

  async putBytes(data: Uint8Array | string, opts?: { mediaType?: string }): Promise<ArtifactRef> {
    const bytes = toBytes(data);
    const digest = digestOf(bytes);
    const target = this.blobPath(digest.sha256);
    if (!(await hasSize(target, digest.size))) await writeFileAtomically(target, bytes);
    return this.refFor(digest, opts?.mediaType);
  }

  async getFile(ref: ArtifactRef, destPath: string): Promise<void> {
    const source = await this.openBlob(ref);
    try {
      await writeFileAtomically(destPath, source.createReadStream(), (written) => this.verify(ref, written));
    } finally {
      await source.close(); // the stream closes it when drained; this covers failing before that
    }
  }

  async getBytes(ref: ArtifactRef): Promise<Buffer> {
    const source = await this.openBlob(ref);
    try {
      const bytes = await source.readFile();
      this.verify(ref, digestOf(bytes));
      return bytes;
    } finally {
      await source.close();
    }
  }

  async exists(ref: ArtifactRef): Promise<boolean> {
    return hasSize(path.join(this.dir, this.keyOf(ref)), ref.size);
  }

  async writeNamed(name: string, data: Uint8Array | string): Promise<void> {
    const file = this.namedPath(name);
    // Locked too, so a plain write never lands between a conditional write's check and its rename.
    await withFileLock(lockFileFor(file), () => writeFileAtomically(file, toBytes(data)));
  }

  async readNamed(name: string): Promise<Buffer | undefined> {
    return readIfExists(this.namedPath(name));
  }

  async readNamedVersioned(name: string): Promise<VersionedDocument | undefined> {
    const data = await this.readNamed(name);
    return data && { data, version: versionOf(data) };
  }

  async writeNamedIf(name: string, data: Uint8Array | string, expectedVersion: string | null): Promise<boolean> {
    checkExpectedVersion(name, expectedVersion);
    const file = this.namedPath(name);
    return withFileLock(lockFileFor(file), async () => {
      const current = await readIfExists(file);
      if ((current === undefined ? null : versionOf(current)) !== expectedVersion) return false;
      await writeFileAtomically(file, toBytes(data));
      return true;
    });
  }

  async listNamed(prefix: string): Promise<string[]> {
    checkNamePrefix(prefix);
    const names: string[] = [];
    const walk = async (relative: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(path.join(this.dir, NAMED_PREFIX, relative), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue; // an in-flight temp file, never a valid name
        const name = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (name.startsWith(prefix) || prefix.startsWith(`${name}/`)) await walk(name);
        } else if (name.startsWith(prefix)) {
          names.push(name);
        }
      }
    };
    await walk('');
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  scope(name: string): ScopedArtifactStore {
    return new LocalArtifactStore({ dir: path.join(this.dir, scopeKey(name)) });
  }

  protected async deleteBlob(ref: ArtifactRef): Promise<void> {
    try {
      await unlink(path.join(this.dir, this.keyOf(ref)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  private namedPath(name: string): string {
    return path.join(this.dir, namedKey(name));
  }

  private blobPath(sha256: string): string {
    return path.join(this.dir, blobKey(sha256));
  }

  private async openBlob(ref: ArtifactRef) {
    try {
      return await open(path.join(this.dir, this.keyOf(ref)), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtifactNotFoundError(ref.uri, this.root);
      throw err;
    }
  }

  private verify(ref: ArtifactRef, actual: Digest): void {
    if (!sameDigest(actual, ref)) throw new ArtifactIntegrityError(ref.uri, ref, actual);
  }
}

/**
 * A document's version is the hash of its bytes: a conditional write then replaces exactly the
 * content its writer read, which is all a compare-and-swap of whole documents needs.
 */
function versionOf(data: Buffer): string {
  return digestOf(data).sha256;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    // EISDIR: the name is only a prefix of other names ("registry" for "registry/index.json").
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR') return undefined;
    throw err;
  }
}

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/** A blob whose file has the expected size is complete: it only ever appears by an atomic rename. */
async function hasSize(file: string, size: number): Promise<boolean> {
  try {
    const info = await stat(file);
    return info.isFile() && info.size === size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
