import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import picomatch from 'picomatch';
import { artifactStoreConfigFromEnv } from '../../../artifacts/store';
import { createS3Client } from '../../../artifacts/s3-store';
import { InputUnreadableError, isGzipName, type InputFile } from './input-file';

let client: S3Client | undefined;

/** The S3 client of the worker's environment: the artifact store's endpoint and region, the SDK's credential chain. */
function s3Client(): S3Client {
  if (client) return client;
  const config = artifactStoreConfigFromEnv();
  const endpoint = process.env.TEMPERED_S3_ENDPOINT?.trim() || (config.kind === 's3' ? config.endpoint : undefined);
  client = createS3Client({ endpoint, region: process.env.TEMPERED_S3_REGION?.trim() || 'us-east-1', forcePathStyle: config.kind === 's3' ? config.forcePathStyle : undefined });
  return client;
}

/** The objects an `s3://bucket/key` URI names: the object itself, or every key a glob in the key matches (sorted). */
export async function s3InputFiles(uri: string): Promise<{ files: InputFile[]; problem?: string }> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) return { files: [], problem: 'expected s3://bucket/key' };
  const [, bucket, key] = match as unknown as [string, string, string];
  if (!picomatch.scan(key).isGlob) {
    return { files: [s3Object(bucket, key)] };
  }
  const { base } = picomatch.scan(key);
  const matches = picomatch(key, { dot: false });
  const keys: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base ? `${base}/` : undefined, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key && matches(object.Key)) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    return { files: [], problem: `cannot list s3://${bucket}/${base} (${(err as Error).name})` };
  }
  if (keys.length === 0) return { files: [], problem: 'no object matches this pattern' };
  return { files: keys.sort().map((k) => s3Object(bucket, k)) };
}

function s3Object(bucket: string, key: string): InputFile {
  const display = `s3://${bucket}/${key}`;
  async function* openRaw(): AsyncGenerator<Buffer> {
    let body: Readable;
    try {
      const res = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = res.Body as Readable;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      throw new InputUnreadableError(status === 404 || e.name === 'NoSuchKey' ? 'object not found' : `cannot read the object (${e.name ?? 'error'}${status ? `, HTTP ${status}` : ''})`);
    }
    for await (const chunk of body) yield chunk as Buffer;
  }
  return { display, gzip: isGzipName(key), openRaw };
}
