import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stateDir } from '../config/paths';
import type { ArtifactStore } from './artifact-store';
import { ArtifactStoreError } from './errors';
import { LocalArtifactStore, type LocalStoreConfig } from './local-store';
import { S3ArtifactStore, type S3StoreConfig } from './s3-store';

export type { ArtifactRef, ArtifactStore, VersionedDocument } from './artifact-store';
export { JSON_MEDIA_TYPE } from './base-store';
export { DIRECTORY_MEDIA_TYPE, type DirectoryManifest, type ManifestEntry } from './directory';
export { ArtifactIntegrityError, ArtifactNotFoundError, ArtifactStoreError, ForeignArtifactError } from './errors';
export { LocalArtifactStore, type LocalStoreConfig } from './local-store';
export { S3ArtifactStore, type S3StoreConfig } from './s3-store';

export type ArtifactStoreConfig = LocalStoreConfig | S3StoreConfig;

/**
 * The store configuration from the environment:
 *
 * - `TEMPERED_ARTIFACTS`: where artifacts live. A directory path or `file://` URI gives a local
 *   store; `s3://bucket/prefix` (prefix optional) an S3 one. Default: `<stateDir>/artifacts`,
 *   i.e. `.tempered/artifacts` in the repository unless `TEMPERED_HOME` moves it.
 * - `TEMPERED_S3_ENDPOINT`: S3 only, optional. The endpoint URL of an S3-compatible store
 *   (SeaweedFS, MinIO), e.g. `http://127.0.0.1:8333`; unset for AWS.
 * - `TEMPERED_S3_REGION`: S3 only. Default `us-east-1`.
 * - `TEMPERED_S3_FORCE_PATH_STYLE`: S3 only, `true` or `false`: address buckets as
 *   `endpoint/bucket` rather than `bucket.endpoint`. Default true when an endpoint is set.
 *
 * Credentials are not read here: the AWS SDK's default chain finds them (`AWS_ACCESS_KEY_ID`
 * and `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE`, instance or pod roles), so they never end up in
 * configs, refs or error messages.
 */
export function artifactStoreConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ArtifactStoreConfig {
  const location = env.TEMPERED_ARTIFACTS?.trim() || path.join(stateDir, 'artifacts');
  if (location.startsWith('s3://')) {
    const match = /^s3:\/\/([^/]+)\/*(.*)$/.exec(location);
    const bucket = match?.[1];
    if (!bucket || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new ArtifactStoreError(`TEMPERED_ARTIFACTS=${location}: expected s3://bucket/prefix with a valid bucket name`);
    }
    const config: S3StoreConfig = { kind: 's3', bucket, prefix: match[2]!.replace(/\/+$/, '') };
    const endpoint = env.TEMPERED_S3_ENDPOINT?.trim();
    if (endpoint) config.endpoint = endpoint;
    config.region = env.TEMPERED_S3_REGION?.trim() || 'us-east-1';
    const pathStyle = env.TEMPERED_S3_FORCE_PATH_STYLE?.trim().toLowerCase();
    if (pathStyle) {
      if (!['true', 'false', '1', '0'].includes(pathStyle)) {
        throw new ArtifactStoreError(`TEMPERED_S3_FORCE_PATH_STYLE=${pathStyle}: expected true or false`);
      }
      config.forcePathStyle = pathStyle === 'true' || pathStyle === '1';
    }
    return config;
  }
  if (location.startsWith('file:')) return { kind: 'local', dir: fileURLToPath(location) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new ArtifactStoreError(`TEMPERED_ARTIFACTS=${location}: expected a directory, a file:// URI or an s3:// URI`);
  }
  return { kind: 'local', dir: path.resolve(location) };
}

/** Opens the store described by `config`, by default the one the environment names (see artifactStoreConfigFromEnv). */
export function openArtifactStore(config: ArtifactStoreConfig = artifactStoreConfigFromEnv()): ArtifactStore {
  switch (config.kind) {
    case 'local':
      return new LocalArtifactStore(config);
    case 's3':
      return new S3ArtifactStore(config);
  }
}
