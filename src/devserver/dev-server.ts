import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { stateDir, temporalBin } from '../config/paths';
import { DEV_SERVER_PORT, DEV_UI_PORT } from '../config/temporal';
import { searchAttributes } from '../pipeline/search-attributes';

/**
 * The embedded Temporal server: `temporal server start-dev` from the project's venv, with a SQLite file
 * under `.tempered/` so runs survive restarts, the Web UI on 8233 and Tempered's search attributes.
 */
export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  dbFile?: string;
  /** Keep running after this process exits (logs and pid under `.tempered/`). */
  detach?: boolean;
}

export const devServerFiles = {
  db: path.join(stateDir, 'temporal.db'),
  log: path.join(stateDir, 'temporal.log'),
  pid: path.join(stateDir, 'temporal.pid'),
};

export function devServerArgs(opts: DevServerOptions = {}): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port ?? DEV_SERVER_PORT),
    '--ui-port',
    String(opts.uiPort ?? DEV_UI_PORT),
    '--db-filename',
    opts.dbFile ?? devServerFiles.db,
    '--log-level',
    'warn',
    ...searchAttributes.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
}

/** True when a Temporal frontend answers at the address. */
export async function isServing(address: string, timeoutMs = 1500): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Starts the dev server unless one already answers; resolves once it serves. */
export async function startDevServer(opts: DevServerOptions = {}): Promise<{ process: ChildProcess | null; address: string }> {
  const address = `127.0.0.1:${opts.port ?? DEV_SERVER_PORT}`;
  if (await isServing(address)) return { process: null, address };
  if (!fs.existsSync(temporalBin)) throw new Error(`Temporal CLI not found at ${temporalBin}; run \`npm run bootstrap\` first`);
  fs.mkdirSync(stateDir, { recursive: true });

  const log = fs.openSync(devServerFiles.log, 'a');
  const child = spawn(temporalBin, devServerArgs(opts), { detached: opts.detach, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (opts.detach) {
    fs.writeFileSync(devServerFiles.pid, String(child.pid));
    child.unref();
  }
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`temporal server exited with code ${code}; see ${devServerFiles.log}`))),
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await Promise.race([isServing(address), exited])) return { process: child, address };
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error(`temporal server did not answer at ${address} within 60 s; see ${devServerFiles.log}`);
}

/** Stops a detached dev server started earlier. */
export function stopDetachedDevServer(): boolean {
  if (!fs.existsSync(devServerFiles.pid)) return false;
  const pid = Number(fs.readFileSync(devServerFiles.pid, 'utf8'));
  fs.rmSync(devServerFiles.pid);
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false;
  }
}
