import path from 'node:path';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { projectRoot, temporalBin, venvDir, weedBin } from '../../src/config/paths';
import { isServing } from '../../src/devserver/dev-server';
import { searchAttributes } from '../../src/pipeline/search-attributes';
import { waitFor } from '../experiment/processes';
import { SEAWEEDFS_CREDENTIALS, SEAWEEDFS_REGION } from '../support/seaweedfs';
import { fixtures } from '../support/temporal';
import type { NetworkLab } from './lab-control';
import { HOST_DISK, SERVER_ADDRESS, SERVER_HOST } from './lab-protocol';

/** The server host has a network of its own, so the servers keep their usual ports. */
export const TEMPORAL_PORT = 7233;
export const S3_PORT = 8333;
export const BUCKET = 'tempered-lab';
export const ARTIFACTS_PREFIX = 'artifacts';

export type WorkerKind = 'control' | 'cpu' | 'gpu';

/** Each host's copy of the pipeline catalogue, on its own disk, as a deployment would install it. */
export const HOST_PIPELINES = `${HOST_DISK}/pipelines`;

const STARTUP_MS = 120_000;

/** What every process on a host gets: nothing from the test's environment but the PATH. */
function hostEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: HOST_DISK, TMPDIR: '/tmp' };
}

/** A worker's settings: the servers at their LAN address, its own state directory, the artifact store on S3. */
function workerEnv(): Record<string, string> {
  return {
    ...hostEnv(),
    TEMPORAL_ADDRESS: `${SERVER_ADDRESS}:${TEMPORAL_PORT}`,
    TEMPERED_HOME: `${HOST_DISK}/tempered`,
    TEMPERED_VENV: venvDir,
    TEMPERED_ARTIFACTS: `s3://${BUCKET}/${ARTIFACTS_PREFIX}`,
    TEMPERED_S3_ENDPOINT: `http://${SERVER_ADDRESS}:${S3_PORT}`,
    AWS_ACCESS_KEY_ID: SEAWEEDFS_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SEAWEEDFS_CREDENTIALS.secretAccessKey,
    TEMPERED_PIPELINES_DIRS: HOST_PIPELINES,
    TEMPERED_DATA_ROOTS: fixtures,
  };
}

/**
 * Tempered on the lab's hosts: the Temporal dev server and SeaweedFS on the server host, bound to its LAN
 * address, and the production worker entry points on the others. The test reaches both servers through port
 * forwards, as an operator outside the cluster would.
 */
export class TemperedCluster {
  private constructor(
    private readonly lab: NetworkLab,
    readonly client: Client,
    private readonly connection: Connection,
    readonly s3: S3Client,
  ) {}

  static async start(lab: NetworkLab): Promise<TemperedCluster> {
    const temporalArgs = ['server', 'start-dev', '--ip', '0.0.0.0', '--port', String(TEMPORAL_PORT), '--headless', '--log-level', 'warn'];
    temporalArgs.push(...searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]));
    await lab.start(SERVER_HOST, 'temporal', [temporalBin, ...temporalArgs], hostEnv());
    // Its internal services (master, volume, filer) find each other at the LAN address too; clients need only S3.
    const weedArgs = ['-logtostderr', 'server', `-dir=${HOST_DISK}`, `-ip=${SERVER_ADDRESS}`, '-ip.bind=0.0.0.0', '-s3', `-s3.port=${S3_PORT}`];
    weedArgs.push('-s3.port.iceberg=0', '-s3.port.lance=0', '-master.telemetry=false', '-master.volumeSizeLimitMB=64', '-volume.max=100', '-volume.preStopSeconds=0');
    await lab.start(SERVER_HOST, 'seaweedfs', [weedBin, ...weedArgs], hostEnv());

    const temporalAddress = `127.0.0.1:${await lab.forward(SERVER_HOST, TEMPORAL_PORT)}`;
    const s3 = new S3Client({
      endpoint: `http://127.0.0.1:${await lab.forward(SERVER_HOST, S3_PORT)}`,
      region: SEAWEEDFS_REGION,
      forcePathStyle: true,
      credentials: SEAWEEDFS_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const servers: [string, string][] = [[SERVER_HOST, 'temporal'], [SERVER_HOST, 'seaweedfs']];
      await lab.withLogs(waitFor(() => isServing(temporalAddress), STARTUP_MS, `the Temporal server on ${SERVER_ADDRESS}:${TEMPORAL_PORT}`), servers);
      await lab.withLogs(waitFor(() => bucketWritable(s3), STARTUP_MS, `SeaweedFS's S3 on ${SERVER_ADDRESS}:${S3_PORT}`), servers);
    } catch (err) {
      s3.destroy();
      throw err;
    }
    const connection = await Connection.connect({ address: temporalAddress });
    return new TemperedCluster(lab, new Client({ connection }), connection, s3);
  }

  /** Starts a worker (`node src/workers/<kind>.js`) on a host; returns its pid in the lab. */
  startWorker(host: string, kind: WorkerKind): Promise<number> {
    return this.lab.start(host, `${kind}-worker`, [process.execPath, path.join(__dirname, '..', '..', 'src', 'workers', `${kind}.js`)], workerEnv(), projectRoot);
  }

  async close(): Promise<void> {
    await this.connection.close();
    this.s3.destroy();
  }
}

/** True once the bucket exists and takes a write: S3 answers before its volume server and filer are up. */
async function bucketWritable(s3: S3Client): Promise<boolean> {
  const abortSignal = AbortSignal.timeout(5_000);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }), { abortSignal }).catch((err: Error) => {
      if (err.name !== 'BucketAlreadyOwnedByYou') throw err;
    });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: '.probe', Body: 'ok' }), { abortSignal });
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: '.probe' }), { abortSignal });
    return true;
  } catch {
    return false;
  }
}
