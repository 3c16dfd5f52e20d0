import { open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import type { ArtifactRef, ScopedArtifactStore, VersionedDocument } from './artifact-store';
import { writeFileAtomically } from './atomic-file';
import { BaseArtifactStore, checkExpectedVersion } from './base-store';
import { ArtifactIntegrityError, ArtifactNotFoundError, ArtifactStoreError } from './errors';
import { DigestAccumulator, digestOf, hashFile, hexToBase64, sameDigest, type Digest } from './hashing';
import { blobKey, checkNamePrefix, NAMED_PREFIX, namedKey, scopeKey } from './keys';

export interface S3StoreConfig {
  kind: 's3';
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing '/'; empty for the whole bucket. */
  prefix?: string;
  /** For S3-compatible stores (SeaweedFS, MinIO); omit for AWS. */
  endpoint?: string;
  /** Defaults to us-east-1. */
  region?: string;
  /** Defaults to true when an endpoint is set: most S3-compatible servers have no per-bucket DNS. */
  forcePathStyle?: boolean;
  /** Normally omitted, so the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, instance roles) applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A ready client, used instead of building one from the settings above. */
  client?: S3Client;
  /** Files larger than this use multipart upload. Default 64 MiB. */
  multipartThresholdBytes?: number;
  /** Multipart part size; raised if needed to stay within S3's 10,000 parts. Default 16 MiB. */
  partSizeBytes?: number;
}

/** Replace only the object with this ETag, or create only if there is none. */
type PutCondition = { IfMatch: string } | { IfNoneMatch: '*' };

const MiB = 1024 * 1024;

/** A client for the configured endpoint; the artifact store and the data phase's `s3://` sources share its settings. */
export function createS3Client(config: Pick<S3StoreConfig, 'endpoint' | 'region' | 'forcePathStyle' | 'credentials'>): S3Client {
  return new S3Client({
    region: config.region ?? 'us-east-1',
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    credentials: config.credentials,
    // We send and check SHA-256 ourselves; this stops the SDK adding CRC32 checksums (as
    // aws-chunked trailers on streams) that some S3-compatible servers reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

const MAX_PARTS = 10_000;
/** Parts uploaded at once; with 16 MiB parts this bounds a multipart upload to ~64 MiB of memory. */
const PART_CONCURRENCY = 4;

/** An artifact store in an S3 bucket (AWS or S3-compatible), for clusters of workers. */
export class S3ArtifactStore extends BaseArtifactStore {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly multipartThreshold: number;
  private readonly partSize: number;

  constructor(config: Omit<S3StoreConfig, 'kind'>) {
    const prefix = (config.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (!config.bucket || config.bucket.includes('/')) throw new ArtifactStoreError(`Invalid S3 bucket name ${JSON.stringify(config.bucket)}`);
    super(`s3://${config.bucket}${prefix ? `/${prefix}` : ''}`);
    this.bucket = config.bucket;
    this.prefix = prefix;
    this.multipartThreshold = config.multipartThresholdBytes ?? 64 * MiB;
    this.partSize = config.partSizeBytes ?? 16 * MiB;
    this.client = config.client ?? createS3Client(config);
  }

  async putFile(file: string, opts?: { mediaType?: string }): Promise<ArtifactRef> {
    // Hash first: the key depends on it, and an already stored file then costs one HEAD.
    const digest = await hashFile(file);
    const key = this.objectKey(blobKey(digest.sha256));
    const ref = this.refFor(digest, opts?.mediaType);
    if (await this.hasObject(key, digest.size, ref.uri)) return ref;
    if (digest.size > this.multipartThreshold) {
      await this.uploadMultipart(key, file, digest, ref);
    } else {
      // Small enough to buffer; a buffer lets the SDK retry a failed request, and lets us check it is what we hashed.
      const bytes = await readFile(file);
      if (!sameDigest(digestOf(bytes), digest)) throw changedWhileStoring(file);
      await this.putObject(key, bytes, digest, ref.uri, { mediaType: opts?.mediaType });
    }
    return ref;
  }

  async putBytes(data: Uint8Array | string, opts?: { mediaType?: string }): Promise<ArtifactRef> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const digest = digestOf(bytes);
    const key = this.objectKey(blobKey(digest.sha256));
    const ref = this.refFor(digest, opts?.mediaType);
    if (!(await this.hasObject(key, digest.size, ref.uri))) await this.putObject(key, bytes, digest, ref.uri, { mediaType: opts?.mediaType });
    return ref;
  }

  async getFile(ref: ArtifactRef, destPath: string): Promise<void> {
    const body = await this.getObject(ref);
    try {
      await writeFileAtomically(destPath, body, (written) => this.verify(ref, written));
    } catch (err) {
      body.destroy(); // frees the connection if we stopped reading early
      if (err instanceof ArtifactStoreError) throw err;
      throw new ArtifactStoreError(`Downloading ${ref.uri} to ${destPath} failed: ${describe(err)}`, { cause: err });
    }
  }

  async getBytes(ref: ArtifactRef): Promise<Buffer> {
    const body = await this.getObject(ref);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of body) chunks.push(chunk as Buffer);
    } catch (err) {
      throw new ArtifactStoreError(`Downloading ${ref.uri} failed: ${describe(err)}`, { cause: err });
    }
    const bytes = Buffer.concat(chunks);
    this.verify(ref, digestOf(bytes));
    return bytes;
  }

  async exists(ref: ArtifactRef): Promise<boolean> {
    return this.hasObject(this.objectKey(this.keyOf(ref)), ref.size, ref.uri);
  }

  async writeNamed(name: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const key = this.objectKey(namedKey(name));
    await this.putObject(key, bytes, digestOf(bytes), this.uriOf(key));
  }

  async readNamed(name: string): Promise<Buffer | undefined> {
    return (await this.getNamed(name))?.data;
  }

  async readNamedVersioned(name: string): Promise<VersionedDocument | undefined> {
    const found = await this.getNamed(name);
    if (!found) return undefined;
    if (!found.etag) throw new ArtifactStoreError(`Reading ${found.uri}: the server sent no ETag, which conditional writes need`);
    return { data: found.data, version: found.etag };
  }

  /** The server checks the ETag (If-Match) or the absence of the object (If-None-Match: *) as it writes. */
  async writeNamedIf(name: string, data: Uint8Array | string, expectedVersion: string | null): Promise<boolean> {
    checkExpectedVersion(name, expectedVersion);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const key = this.objectKey(namedKey(name));
    const condition: PutCondition = expectedVersion === null ? { IfNoneMatch: '*' } : { IfMatch: expectedVersion };
    return this.putObject(key, bytes, digestOf(bytes), this.uriOf(key), { condition });
  }

  async listNamed(prefix: string): Promise<string[]> {
    checkNamePrefix(prefix);
    const base = this.objectKey(NAMED_PREFIX);
    const names: string[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base + prefix, ContinuationToken: token }),
        );
      } catch (err) {
        throw s3Failure('Listing', this.uriOf(base + prefix), err);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key) names.push(object.Key.slice(base.length));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  scope(name: string): ScopedArtifactStore {
    return new S3ArtifactStore({
      bucket: this.bucket,
      prefix: this.objectKey(scopeKey(name)),
      client: this.client,
      multipartThresholdBytes: this.multipartThreshold,
      partSizeBytes: this.partSize,
    });
  }

  /** S3 answers a deletion of a missing key with success too. */
  protected async deleteBlob(ref: ArtifactRef): Promise<void> {
    const key = this.objectKey(this.keyOf(ref));
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw s3Failure('Deleting', ref.uri, err);
    }
  }

  private objectKey(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private uriOf(objectKey: string): string {
    return `s3://${this.bucket}/${objectKey}`;
  }

  private async getNamed(name: string): Promise<{ data: Buffer; etag: string | undefined; uri: string } | undefined> {
    const key = this.objectKey(namedKey(name));
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { data: Buffer.from(await res.Body!.transformToByteArray()), etag: res.ETag, uri: this.uriOf(key) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw s3Failure('Reading', this.uriOf(key), err);
    }
  }

  private verify(ref: ArtifactRef, actual: Digest): void {
    if (!sameDigest(actual, ref)) throw new ArtifactIntegrityError(ref.uri, ref, actual);
  }

  /** Present with the expected size counts as stored: S3 objects only appear once fully written. */
  private async hasObject(key: string, size: number, uri: string): Promise<boolean> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength === size;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw s3Failure('Checking', uri, err);
    }
  }

  private async getObject(ref: ArtifactRef): Promise<Readable> {
    const key = this.objectKey(this.keyOf(ref));
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return res.Body as Readable; // in Node the SDK's body is an http.IncomingMessage
    } catch (err) {
      if (isNotFound(err)) throw new ArtifactNotFoundError(ref.uri, this.root);
      throw s3Failure('Downloading', ref.uri, err);
    }
  }

  /**
   * The precomputed checksum makes the server reject a body corrupted on the way. With a
   * condition, false means the server refused the write because the condition no longer held.
   */
  private async putObject(
    key: string,
    body: Uint8Array,
    digest: Digest,
    uri: string,
    opts: { mediaType?: string; condition?: PutCondition } = {},
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: body.byteLength,
          ContentType: opts.mediaType,
          ChecksumAlgorithm: 'SHA256',
          ChecksumSHA256: hexToBase64(digest.sha256),
          ...opts.condition,
        }),
      );
      return true;
    } catch (err) {
      if (opts.condition && isConditionFailure(err)) return false;
      throw s3Failure('Uploading', uri, err);
    }
  }

  /**
   * Uploads a large file part by part, each with its own SHA-256 for the server to check. The
   * parts are hashed again as they are read, and the upload is completed only if they add up to
   * the digest the key was named after; any failure aborts it so no orphaned parts are left.
   */
  private async uploadMultipart(key: string, file: string, digest: Digest, ref: ArtifactRef): Promise<void> {
    const partSize = Math.max(this.partSize, Math.ceil(digest.size / MAX_PARTS));
    let uploadId: string | undefined;
    const inFlight = new Set<Promise<void>>();
    try {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: ref.mediaType, ChecksumAlgorithm: 'SHA256' }),
      );
      uploadId = created.UploadId;
      if (!uploadId) throw new Error('no UploadId in the response');
      const parts: CompletedPart[] = [];
      const reread = new DigestAccumulator();
      let failed: { error: unknown } | undefined;
      const handle = await open(file, 'r');
      try {
        for (let partNumber = 1, offset = 0; offset < digest.size && !failed; partNumber++, offset += partSize) {
          const body = await readRange(handle, offset, Math.min(partSize, digest.size - offset), file);
          reread.update(body);
          // Never rejects: a failure is recorded, so one that settles unobserved is still seen below.
          const upload: Promise<void> = this.uploadPart(key, uploadId, partNumber, body)
            .then(
              (part) => void (parts[partNumber - 1] = part),
              (error: unknown) => void (failed ??= { error }),
            )
            .finally(() => inFlight.delete(upload));
          inFlight.add(upload);
          if (inFlight.size >= PART_CONCURRENCY) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      } finally {
        await handle.close();
      }
      if (failed) throw failed.error;
      if (!sameDigest(reread.digest(), digest)) throw changedWhileStoring(file);
      await this.client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (err) {
      await Promise.allSettled(inFlight); // let running parts finish, or they would outlive the abort
      if (uploadId) {
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined); // the original failure is the one worth reporting
      }
      if (err instanceof ArtifactStoreError) throw err;
      throw s3Failure('Uploading', ref.uri, err);
    }
  }

  private async uploadPart(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<CompletedPart> {
    const checksum = digestOf(body).sha256;
    const res = await this.client.send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.byteLength,
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: hexToBase64(checksum),
      }),
    );
    return { PartNumber: partNumber, ETag: res.ETag, ChecksumSHA256: res.ChecksumSHA256 ?? hexToBase64(checksum) };
  }
}

async function readRange(handle: import('node:fs/promises').FileHandle, offset: number, length: number, file: string): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  for (let filled = 0; filled < length; ) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) throw changedWhileStoring(file); // it shrank since we hashed it
    filled += bytesRead;
  }
  return buffer;
}

function changedWhileStoring(file: string): ArtifactStoreError {
  return new ArtifactStoreError(`${file} changed while it was being stored; store it again once it is complete`);
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  // HEAD has no body, so a missing key arrives as a bare 404 ("NotFound") rather than NoSuchKey.
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}

/**
 * 412: the ETag no longer matches, or the object exists. 409: a concurrent conditional write to
 * the same key was in flight (AWS asks for a retry, which for us starts with a re-read).
 */
function isConditionFailure(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.$metadata?.httpStatusCode === 412 || e?.name === 'PreconditionFailed' || e?.name === 'ConditionalRequestConflict';
}

/** Names the artifact and the S3 error; SDK errors carry no credentials, and none are added here. */
function s3Failure(action: string, uri: string, err: unknown): ArtifactStoreError {
  return new ArtifactStoreError(`${action} ${uri} failed: ${describe(err)}`, { cause: err });
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}${status ? ` (HTTP ${status})` : ''}`;
}
