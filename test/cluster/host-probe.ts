/**
 * What a host can see and reach, run on the host: `node host-probe.js '<json>'` with `{ "read": [paths],
 * "connect": ["address:port"] }`. Prints `{ "read": { path: text or error code }, "connect": { "address:port":
 * "connected" or error code } }`.
 */
import fs from 'node:fs';
import net from 'node:net';

interface Probe {
  read: string[];
  connect: string[];
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

function connect(target: string): Promise<string> {
  const [address, port] = target.split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host: address!, port: Number(port), timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function main(): Promise<void> {
  const probe = JSON.parse(process.argv[2] ?? '') as Probe;
  const reads = Object.fromEntries(probe.read.map((file) => [file, read(file)]));
  const connects = Object.fromEntries(await Promise.all(probe.connect.map(async (target) => [target, await connect(target)] as const)));
  process.stdout.write(`${JSON.stringify({ read: reads, connect: connects })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`host probe failed: ${(err as Error).message} (expected one JSON argument like {"read": [], "connect": []})\n`);
  process.exit(1);
});
