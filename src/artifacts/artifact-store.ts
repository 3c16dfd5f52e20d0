/**
 * The artifact store contract, apart from the stores that implement it and the factory that
 * opens them (store.ts), so implementations depend on the contract only.
 */

/** A pointer to immutable, content-addressed bytes; small enough for workflow history. */
export interface ArtifactRef {
  /** Where the bytes live: `<store root>/sha256/<first 2 hex>/<hex>`. */
  uri: string;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
  /** Length in bytes. */
  size: number;
  mediaType?: string;
}

/** A named document's bytes with the version a conditional write must name to replace them. */
export interface VersionedDocument {
  data: Buffer;
  /** Opaque: compare it for equality or pass it back to `writeNamedIf`, nothing else. */
  version: string;
}

/**
 * Where workflows' artifacts (datasets, model weights, reports) live. Workflows pass only
 * `ArtifactRef`s; activities turn them into bytes and files. Blobs are content addressed and
 * immutable, so storing the same bytes twice is free and a ref never changes meaning; every
 * read is verified against the ref's sha256 and size.
 */
export interface ArtifactStore {
  /** e.g. `file:///abs/dir` or `s3://bucket/prefix`; every ref of this store starts with it. */
  readonly root: string;
  putFile(path: string, opts?: { mediaType?: string }): Promise<ArtifactRef>;
  putBytes(data: Uint8Array | string, opts?: { mediaType?: string }): Promise<ArtifactRef>;
  /** Stored with mediaType application/json. */
  putJson(value: unknown): Promise<ArtifactRef>;
  /**
   * Stores every file under `dir`, then a manifest `{files: [{path, sha256, size}]}` (mediaType
   * application/vnd.tempered.directory+json), and returns the manifest's ref.
   */
  putDirectory(dir: string): Promise<ArtifactRef>;
  /** Verifies sha256 and size, and writes `destPath` atomically (temp file, then rename). */
  getFile(ref: ArtifactRef, destPath: string): Promise<void>;
  getBytes(ref: ArtifactRef): Promise<Buffer>;
  getJson<T>(ref: ArtifactRef): Promise<T>;
  /** Writes every file of the manifest under `destDir`, skipping those already there with the right hash; other files are left alone. */
  getDirectory(ref: ArtifactRef, destDir: string): Promise<void>;
  /** True if the blob is stored with the ref's size (the hash is checked on read, not here). */
  exists(ref: ArtifactRef): Promise<boolean>;
  /**
   * Named, mutable documents (e.g. the model registry's index); small JSON. Writes replace the
   * whole document, whatever is there: use `writeNamedIf` where writers may race.
   */
  writeNamed(name: string, data: Uint8Array | string): Promise<void>;
  /** The document's bytes, or undefined if there is none by that name. */
  readNamed(name: string): Promise<Buffer | undefined>;
  /** The document's bytes and version, or undefined if there is none by that name. */
  readNamedVersioned(name: string): Promise<VersionedDocument | undefined>;
  /**
   * Writes the document only if its version is still `expectedVersion` (from `readNamedVersioned`;
   * null: only if there is no such document). False on conflict, and nothing is written; re-read
   * and retry then. A write whose answer was lost may also report false: the re-read tells.
   */
  writeNamedIf(name: string, data: Uint8Array | string, expectedVersion: string | null): Promise<boolean>;
  /** Names starting with `prefix` (a plain string prefix, '' for all), sorted. */
  listNamed(prefix: string): Promise<string[]>;
  /**
   * A store of its own under `scopes/<name>` of this one, for artifacts a single writer owns and deletes (a
   * training run's checkpoints). Blobs are shared only inside a scope, so a deletion there can never take away
   * bytes that another artifact's ref relies on; refs of a scope are foreign to its parent and to other scopes.
   */
  scope(name: string): ScopedArtifactStore;
}

/** A store whose blobs one writer owns, so it may delete them (see `ArtifactStore.scope`). */
export interface ScopedArtifactStore extends ArtifactStore {
  /**
   * Deletes a directory artifact: its manifest and every file of it that none of the `keep` directories
   * lists. Missing blobs are no error, so a deletion cut short can be repeated.
   */
  deleteDirectory(ref: ArtifactRef, keep: ArtifactRef[]): Promise<void>;
}
