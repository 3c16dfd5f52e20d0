/**
 * Errors raised by artifact stores. Each has its own `name` so callers (and Temporal, which
 * records an error's name as its failure type) can tell a missing or corrupt artifact, which
 * no retry will fix, from a transient storage failure.
 */

/** Any failure of an artifact store; the message names the store or the artifact involved. */
export class ArtifactStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ArtifactStoreError';
  }
}

/** The ref points into this store, but no blob is stored under it. */
export class ArtifactNotFoundError extends ArtifactStoreError {
  constructor(readonly uri: string, readonly storeRoot: string) {
    super(`Artifact ${uri} not found in store ${storeRoot}`);
    this.name = 'ArtifactNotFoundError';
  }
}

/** The stored bytes do not match the ref's sha256 or size: the blob is corrupt or was tampered with. */
export class ArtifactIntegrityError extends ArtifactStoreError {
  constructor(
    readonly uri: string,
    expected: { sha256: string; size: number },
    actual: { sha256: string; size: number },
  ) {
    super(
      `Artifact ${uri} failed verification: expected sha256 ${expected.sha256} (${expected.size} bytes), ` +
        `got sha256 ${actual.sha256} (${actual.size} bytes)`,
    );
    this.name = 'ArtifactIntegrityError';
  }
}

/** The ref belongs to another store (another directory, bucket or prefix). */
export class ForeignArtifactError extends ArtifactStoreError {
  constructor(readonly uri: string, readonly storeRoot: string) {
    super(`Artifact ${uri} does not belong to store ${storeRoot}`);
    this.name = 'ForeignArtifactError';
  }
}
