import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runDataCheck } from '../../src/activities/data/data-check';
import { SEAWEEDFS_CREDENTIALS, SEAWEEDFS_REGION, startSeaweedFs, type SeaweedFs } from '../support/seaweedfs';
import { captureAsyncFailure, specWithData, useTempDir } from './helpers';

describe('data sources in S3', function () {
  this.timeout(120_000);
  const tempDir = useTempDir();
  let s3: SeaweedFs;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    s3 = await startSeaweedFs();
    const env = { TEMPERED_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: SEAWEEDFS_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: SEAWEEDFS_CREDENTIALS.secretAccessKey, TEMPERED_DATA_BUCKETS: 'support-data' };
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const client = new S3Client({ endpoint: s3.endpoint, region: SEAWEEDFS_REGION, forcePathStyle: true, credentials: SEAWEEDFS_CREDENTIALS });
    await client.send(new CreateBucketCommand({ Bucket: 'support-data' }));
    const chat = (i: number) => JSON.stringify({ messages: [{ role: 'user', content: `Where is parcel ${i}?` }, { role: 'assistant', content: `Parcel ${i} reached the ${['north', 'south'][i % 2]} hub ${i} hours ago and goes out with van ${i * 7}.` }] });
    for (const day of ['2026-11-01', '2026-11-02']) {
      const body = Array.from({ length: 6 }, (_, i) => `${chat(day.endsWith('1') ? i : 100 + i)}\n`).join('');
      await client.send(new PutObjectCommand({ Bucket: 'support-data', Key: `chats/${day}.jsonl.gz`, Body: gzipSync(body) }));
    }
    await client.send(new PutObjectCommand({ Bucket: 'support-data', Key: 'notes/readme.txt', Body: 'not data' }));
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await s3?.stop();
  });

  it('reads every gzip object a glob names, in key order, on a worker that may read the bucket', async () => {
    const result = await runDataCheck(specWithData({ sources: [{ type: 'chat_jsonl', path: 's3://support-data/chats/*.jsonl.gz' }], quality: { min_examples: 1 } }), tempDir(), {
      confine: true,
      outDir: `${tempDir()}/out`,
      writeWhenGateFails: true,
    });
    assert.deepEqual(
      result.report.sources.map((s) => [s.file, s.records]),
      [
        ['s3://support-data/chats/2026-11-01.jsonl.gz', 6],
        ['s3://support-data/chats/2026-11-02.jsonl.gz', 6],
      ],
    );
    assert.equal(result.report.counts.collected, 12);
  });

  it('fails without retries, naming the object, when it does not exist', async () => {
    const failure = await captureAsyncFailure(
      runDataCheck(specWithData({ sources: [{ type: 'chat_jsonl', path: 's3://support-data/chats/2026-12-01.jsonl' }] }), tempDir(), { confine: true, outDir: `${tempDir()}/out`, writeWhenGateFails: false }),
    );
    assert.equal(failure.type, 'InvalidData');
    assert.equal(failure.message, 's3://support-data/chats/2026-12-01.jsonl: object not found');
  });

  it('refuses a bucket the worker is not configured to read', async () => {
    const failure = await captureAsyncFailure(
      runDataCheck(specWithData({ sources: [{ type: 'chat_jsonl', path: 's3://tempered-test/anything.jsonl' }] }), tempDir(), { confine: true, outDir: `${tempDir()}/out`, writeWhenGateFails: false }),
    );
    assert.equal(failure.type, 'PathNotAllowed');
    assert.match(failure.message, /bucket "tempered-test" is not one of the workers' data buckets \(TEMPERED_DATA_BUCKETS: support-data\)/);
  });
});
