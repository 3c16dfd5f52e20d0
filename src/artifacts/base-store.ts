import type { ArtifactRef, ArtifactStore, ScopedArtifactStore, VersionedDocument } from './artifact-store';
import { buildManifest, DIRECTORY_MEDIA_TYPE, materialise, parseManifest } from './directory';
import { ArtifactNotFoundError, ArtifactStoreError, ForeignArtifactError } from './errors';
import { isSha256Hex, type Digest } from './hashing';
import { blobKey, SCOPES_PREFIX } from './keys';

export const JSON_MEDIA_TYPE = 'application/json';

/**
 * What every store shares: mapping refs to keys under the root (and refusing refs from other
 * stores), and the JSON and directory operations, which are built on the byte and file ones.
 */
export abstract class BaseArtifactStore implements ArtifactStore {
  constructor(readonly root: string) {}

  abstract putFile(path: string, opts?: { mediaType?: string }): Promise<ArtifactRef>;
  abstract putBytes(data: Uint8Array | string, opts?: { mediaType?: string }): Promise<ArtifactRef>;
  abstract getFile(ref: ArtifactRef, destPath: string): Promise<void>;
  abstract getBytes(ref: ArtifactRef): Promise<Buffer>;
  abstract exists(ref: ArtifactRef): Promise<boolean>;
  abstract writeNamed(name: string, data: Uint8Array | string): Promise<void>;
  abstract readNamed(name: string): Promise<Buffer | undefined>;
  abstract readNamedVersioned(name: string): Promise<VersionedDocument | undefined>;
  abstract writeNamedIf(name: string, data: Uint8Array | string, expectedVersion: string | null): Promise<boolean>;
  abstract listNamed(prefix: string): Promise<string[]>;
  abstract scope(name: string): ScopedArtifactStore;
  /** Removes one blob; a missing one is no error. Only scoped stores expose deletion. */
  protected abstract deleteBlob(ref: ArtifactRef): Promise<void>;

  async deleteDirectory(ref: ArtifactRef, keep: ArtifactRef[]): Promise<void> {
    const kept = new Set<string>(keep.map((k) => k.sha256));
    for (const other of keep) {
      for (const file of parseManifest(await this.getBytes(other), other.uri).files) kept.add(file.sha256);
    }
    if (kept.has(ref.sha256)) return;
    let files: { sha256: string; size: number }[] = [];
    try {
      files = parseManifest(await this.getBytes(ref), ref.uri).files;
    } catch (err) {
      // Already gone: an earlier deletion got as far as the manifest, which goes last.
      if (!(err instanceof ArtifactNotFoundError)) throw err;
    }
    for (const file of files) if (!kept.has(file.sha256)) await this.deleteBlob(this.refFor(file));
    await this.deleteBlob(ref);
  }

  async putJson(value: unknown): Promise<ArtifactRef> {
    const text = JSON.stringify(value);
    if (text === undefined) throw new ArtifactStoreError(`Cannot store ${typeof value} as JSON`);
    return this.putBytes(text, { mediaType: JSON_MEDIA_TYPE });
  }

  async getJson<T>(ref: ArtifactRef): Promise<T> {
    const bytes = await this.getBytes(ref);
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch (err) {
      throw new ArtifactStoreError(`Artifact ${ref.uri} is not valid JSON: ${(err as Error).message}`);
    }
  }

  async putDirectory(dir: string): Promise<ArtifactRef> {
    const manifest = await buildManifest(dir, (file) => this.putFile(file));
    // The manifest goes last: a ref to it implies every file it lists is already stored.
    return this.putBytes(JSON.stringify(manifest), { mediaType: DIRECTORY_MEDIA_TYPE });
  }

  async getDirectory(ref: ArtifactRef, destDir: string): Promise<void> {
    if (ref.mediaType !== undefined && ref.mediaType !== DIRECTORY_MEDIA_TYPE) {
      throw new ArtifactStoreError(`Artifact ${ref.uri} is ${ref.mediaType}, not a directory manifest`);
    }
    const manifest = parseManifest(await this.getBytes(ref), ref.uri);
    await materialise(manifest, destDir, (digest, dest) => this.getFile(this.refFor(digest), dest));
  }

  /** The ref of a blob in this store. */
  protected refFor(digest: Digest, mediaType?: string): ArtifactRef {
    const ref: ArtifactRef = { uri: `${this.root}/${blobKey(digest.sha256)}`, sha256: digest.sha256, size: digest.size };
    // Left out rather than undefined: refs are recorded in workflow history as they are.
    if (mediaType !== undefined) ref.mediaType = mediaType;
    return ref;
  }

  /** The blob key of a ref, after checking it is well formed and belongs to this store. */
  protected keyOf(ref: ArtifactRef): string {
    const uri: unknown = ref?.uri;
    if (typeof uri !== 'string') throw new ArtifactStoreError('Malformed artifact ref: missing uri');
    if (!isSha256Hex(ref.sha256) || !Number.isSafeInteger(ref.size) || ref.size < 0) {
      throw new ArtifactStoreError(`Malformed artifact ref ${uri}: needs a lowercase hex sha256 and a byte size`);
    }
    const prefix = `${this.root}/`;
    if (!uri.startsWith(prefix)) throw new ForeignArtifactError(uri, this.root);
    const key = uri.slice(prefix.length);
    // A scope's refs lie under this root's path, yet belong to the scope's store.
    if (key.startsWith(SCOPES_PREFIX)) throw new ForeignArtifactError(uri, this.root);
    if (key !== blobKey(ref.sha256)) {
      throw new ArtifactStoreError(`Malformed artifact ref ${uri}: its uri does not match its sha256 ${ref.sha256}`);
    }
    return key;
  }
}

/** Catches `doc?.version` of a missing document (undefined), which would otherwise mean "write unconditionally" to S3. */
export function checkExpectedVersion(name: string, expectedVersion: unknown): void {
  if (expectedVersion !== null && (typeof expectedVersion !== 'string' || expectedVersion === '')) {
    throw new ArtifactStoreError(
      `Conditional write of ${JSON.stringify(name)}: expected version must be a version from readNamedVersioned, ` +
        `or null for "only if absent"; got ${JSON.stringify(expectedVersion) ?? String(expectedVersion)}`,
    );
  }
}
