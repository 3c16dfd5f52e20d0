import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import {
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { S3ArtifactStore, type ArtifactStoreError } from '../../src/artifacts/store';
import { SEAWEEDFS_CREDENTIALS, SEAWEEDFS_REGION, startSeaweedFs, type SeaweedFs } from '../support/seaweedfs';
import { describeArtifactStoreBehaviour, LARGE_FILE_BYTES, type StoreHarness } from './store-behaviour';

const MiB = 1024 * 1024;

describe('startSeaweedFs', function () {
  it('fails with a pointer to the bootstrap script when the binary is missing', async function () {
    await assert.rejects(startSeaweedFs({ weedBin: '/nonexistent/venv/bin/weed' }), (err: Error) => {
      assert.match(err.message, /SeaweedFS binary not found at \/nonexistent\/venv\/bin\/weed/);
      assert.match(err.message, /npm run bootstrap/);
      return true;
    });
  });
});

describe('S3ArtifactStore against SeaweedFS', function () {
  this.timeout(60_000);
  let server: SeaweedFs;
  /** Sees every request the stores make, to count writes. */
  let commands: string[];
  let client: S3Client;
  /** For looking behind the store's back. */
  let raw: S3Client;

  before(async function () {
    this.timeout(120_000);
    server = await startSeaweedFs();
    const settings = { endpoint: server.endpoint, region: SEAWEEDFS_REGION, forcePathStyle: true, credentials: SEAWEEDFS_CREDENTIALS };
    client = new S3Client({ ...settings, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );
    raw = new S3Client(settings);
  });

  after(async function () {
    client?.destroy();
    raw?.destroy();
    await server?.stop();
  });

  beforeEach(function () {
    commands = [];
  });

  const writes = (): number => commands.filter((c) => c === 'PutObjectCommand' || c === 'CompleteMultipartUploadCommand').length;

  /** A store under a fresh prefix, so each test sees only its own objects. */
  const openStore = (prefix: string, extra: Partial<ConstructorParameters<typeof S3ArtifactStore>[0]> = {}): S3ArtifactStore =>
    new S3ArtifactStore({ bucket: server.bucket, prefix, client, ...extra });

  const listKeys = async (prefix: string): Promise<string[]> => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await raw.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
      for (const object of page.Contents ?? []) keys.push(object.Key!.slice(prefix.length + 1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  };

  describeArtifactStoreBehaviour(async (): Promise<StoreHarness> => {
    const prefix = `t-${randomBytes(6).toString('hex')}`;
    const otherPrefix = `${prefix}-other`;
    return {
      // A low threshold so LARGE_FILE_BYTES goes multipart in three parts.
      store: openStore(prefix, { multipartThresholdBytes: 6 * MiB, partSizeBytes: 5 * MiB }),
      otherStore: openStore(otherPrefix),
      listKeys: () => listKeys(prefix),
      overwrite: async (key, data) => {
        await raw.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix}/${key}`, Body: data }));
      },
      writesDuring: async (action) => {
        const before = writes();
        await action();
        return writes() - before;
      },
      pendingUploads: async () => {
        const res = await raw.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
        return res.Uploads?.length ?? 0;
      },
      cleanup: async () => {
        for (const p of [prefix, otherPrefix]) {
          const keys = await listKeys(p);
          if (keys.length) {
            await raw.send(
              new DeleteObjectsCommand({ Bucket: server.bucket, Delete: { Objects: keys.map((k) => ({ Key: `${p}/${k}` })) } }),
            );
          }
        }
      },
    };
  });

  describe('S3 specifics', function () {
    let scratch: string;
    beforeEach(async function () {
      scratch = await mkdtemp(path.join(os.tmpdir(), 'tempered-s3-test-'));
    });
    afterEach(async function () {
      await rm(scratch, { recursive: true, force: true });
    });

    it('has an s3:// root and keys under its prefix', async function () {
      const prefix = `p-${randomBytes(4).toString('hex')}`;
      const store = openStore(`/${prefix}/`);
      assert.equal(store.root, `s3://${server.bucket}/${prefix}`);
      const ref = await store.putBytes('x');
      assert.deepEqual(await listKeys(prefix), [`sha256/${ref.sha256.slice(0, 2)}/${ref.sha256}`]);
      assert.equal(new S3ArtifactStore({ bucket: 'b-u-c', client }).root, 's3://b-u-c');
    });

    it('checks the object exists (HEAD) before uploading', async function () {
      const store = openStore(`h-${randomBytes(4).toString('hex')}`);
      await store.putBytes('once');
      commands = [];
      await store.putBytes('once');
      assert.deepEqual(commands, ['HeadObjectCommand']);
    });

    it('sends the SHA-256 checksum, which the server stores and checks', async function () {
      const prefix = `c-${randomBytes(4).toString('hex')}`;
      const store = openStore(prefix);
      const ref = await store.putBytes(randomBytes(1000));
      const head = await raw.send(
        new HeadObjectCommand({ Bucket: server.bucket, Key: `${prefix}/sha256/${ref.sha256.slice(0, 2)}/${ref.sha256}`, ChecksumMode: 'ENABLED' }),
      );
      assert.equal(head.ChecksumSHA256, Buffer.from(ref.sha256, 'hex').toString('base64'));
    });

    it('uses multipart upload for files over 64 MiB by default', async function () {
      this.timeout(120_000);
      const prefix = `m-${randomBytes(4).toString('hex')}`;
      const store = openStore(prefix);
      const file = path.join(scratch, 'big.bin');
      await writeFile(file, randomBytes(64 * MiB + 1));
      const ref = await store.putFile(file);
      assert.equal(commands.filter((c) => c === 'UploadPartCommand').length, 5, '16 MiB parts');
      assert.ok(commands.includes('CompleteMultipartUploadCommand'));
      const small = path.join(scratch, 'small.bin');
      await writeFile(small, randomBytes(LARGE_FILE_BYTES));
      commands = [];
      await store.putFile(small);
      assert.ok(!commands.includes('CreateMultipartUploadCommand'), 'files up to the threshold go in one PUT');
      await store.getFile(ref, path.join(scratch, 'big.out'));
      assert.equal((await store.getBytes(ref)).length, 64 * MiB + 1);
    });

    it('aborts a multipart upload that fails part-way, leaving nothing behind', async function () {
      const flaky = new S3Client({ endpoint: server.endpoint, region: SEAWEEDFS_REGION, forcePathStyle: true, credentials: SEAWEEDFS_CREDENTIALS });
      flaky.middlewareStack.add(
        (next, context) => async (args) => {
          const input = args.input as { PartNumber?: number };
          if (context.commandName === 'UploadPartCommand' && input.PartNumber === 2) throw new Error('connection reset (simulated)');
          return next(args);
        },
        { step: 'initialize', name: 'failSecondPart' },
      );
      const prefix = `f-${randomBytes(4).toString('hex')}`;
      const store = new S3ArtifactStore({ bucket: server.bucket, prefix, client: flaky, multipartThresholdBytes: 6 * MiB, partSizeBytes: 5 * MiB });
      const file = path.join(scratch, 'flaky.bin');
      await writeFile(file, randomBytes(LARGE_FILE_BYTES));
      try {
        await assert.rejects(store.putFile(file), (err: Error) => {
          assert.match(err.message, new RegExp(`^Uploading s3://${server.bucket}/${prefix}/sha256/.* failed: .*connection reset \\(simulated\\)`));
          return true;
        });
      } finally {
        flaky.destroy();
      }
      const uploads = await raw.send(new ListMultipartUploadsCommand({ Bucket: server.bucket, Prefix: `${prefix}/` }));
      assert.equal(uploads.Uploads?.length ?? 0, 0, 'the upload was aborted');
      assert.deepEqual(await listKeys(prefix), []);
    });

    it('never puts credentials in refs or errors', async function () {
      const credentials = { accessKeyId: 'AKIATEMPEREDSECRETID', secretAccessKey: 'very/secret+key' };
      const store = new S3ArtifactStore({
        bucket: 'no-such-bucket-here',
        endpoint: server.endpoint,
        credentials,
      });
      const error = await store.putBytes('x').then(
        () => assert.fail('expected the put to fail'),
        (err: ArtifactStoreError) => err,
      );
      assert.match(error.message, /s3:\/\/no-such-bucket-here\/sha256\//);
      for (const text of [error.message, error.stack ?? '', inspect(error, { depth: 6 })]) {
        assert.ok(!text.includes(credentials.secretAccessKey) && !text.includes(credentials.accessKeyId), text);
      }
    });
  });
});
