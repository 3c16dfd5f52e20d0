/**
 * The layout shared by every store: where blobs and named documents live under the root.
 */
import { ArtifactStoreError } from './errors';

/** Blobs fan out on the first two hex digits so no directory (or S3 listing) grows huge. */
export function blobKey(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

export const NAMED_PREFIX = 'named/';

// A leading letter or digit per segment also keeps names clear of the stores' dot-prefixed temp files.
const NAME_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** The key of a named document, after checking the name cannot escape `named/`. */
export function namedKey(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) {
    throw new ArtifactStoreError(`Invalid document name ${JSON.stringify(name)}: must be 1 to 512 characters`);
  }
  for (const segment of name.split('/')) {
    if (!NAME_SEGMENT.test(segment) || segment.includes('..')) {
      throw new ArtifactStoreError(
        `Invalid document name ${JSON.stringify(name)}: use '/'-separated segments of letters, digits, ` +
          `'.', '_' and '-', each starting with a letter, digit or '_' (no leading '/', no '..')`,
      );
    }
  }
  return NAMED_PREFIX + name;
}

export const SCOPES_PREFIX = 'scopes/';

/** The key prefix of a scope (see ArtifactStore.scope), after checking the name as a document name. */
export function scopeKey(name: string): string {
  return SCOPES_PREFIX + namedKey(name).slice(NAMED_PREFIX.length);
}

/** Prefixes may end part-way through a segment ("models/ll"), so only the escape hazards are checked. */
export function checkNamePrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix.startsWith('/') || prefix.includes('..') || prefix.includes('\\')) {
    throw new ArtifactStoreError(`Invalid document name prefix ${JSON.stringify(prefix)}: no leading '/', '..' or '\\'`);
  }
}
