/**
 * A small network of hosts on this one machine, for tests that need separate hosts: run under
 * `unshare --user --map-root-user --net --mount --pid --fork --kill-child --mount-proc` (see lab-control.ts) as
 * `node network-lab.js <lab dir>`.
 *
 * Each host is a network namespace with one veth into a bridge in the `server` host (the LAN, 10.77.0.0/24), its
 * own hostname, and its own disk: `<lab dir>/hosts/<host>` mounted at /run/disk, with the other hosts' disks and
 * the machine's /tmp hidden under empty tmpfs mounts (but for the code, when it lies there). The lab's own namespace is on the LAN too, as the client
 * from which port forwards lead to the test outside. The lab is the init of its pid namespace: when it ends,
 * however it ends, the kernel ends every process it started.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/config/paths';
import { CLIENT_ADDRESS, HOST_DISK, LAN_PREFIX, SERVER_ADDRESS, SERVER_HOST, type LabProcess, type LabReply, type LabRequest, type LabStatus } from './lab-protocol';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);

/** Interface names must fit in 15 characters, with `-lan` added for the bridge's end. */
const HOST_NAME = /^[a-z][a-z0-9-]{0,10}$/;
const FIRST_HOST_OCTET = 10;

/**
 * Runs in a host's namespaces before the command: its hostname and its own view of the disks. Arguments: host,
 * its disk, the folder of all disks, the working directory, the code's folder when it lies under /tmp (else
 * empty), then the command. The code is shared read-only like an installed image, so a checkout under /tmp is
 * set aside before the host's empty /tmp is mounted, and put back in it.
 */
const HOST_ENTRY = [
  'set -e',
  'hostname "$0"',
  `mount --bind "$1" ${HOST_DISK}`,
  'mount -t tmpfs other-hosts "$2"',
  'if [ -n "$4" ]; then mkdir -p "/run/code-$0" && mount --bind "$4" "/run/code-$0"; fi',
  'mount -t tmpfs host-tmp /tmp',
  'if [ -n "$4" ]; then mkdir -p "$4" && mount --bind "/run/code-$0" "$4"; fi',
  'cd "$3"',
  'shift 4',
  'exec "$@"',
].join('\n');

/** The code's folder, when the machine's /tmp holds it. */
const codeUnderTmp = projectRoot.startsWith('/tmp/') ? projectRoot : '';

class Lab {
  private readonly addresses = new Map<string, string>();
  private readonly groups = new Set<number>();
  private readonly forwards: net.Server[] = [];

  constructor(private readonly dir: string) {}

  private get disks(): string {
    return path.join(this.dir, 'hosts');
  }

  async setUp(): Promise<void> {
    // Named network namespaces are files under /run/netns: a /run of our own keeps them out of the machine's.
    await run('mount', ['-t', 'tmpfs', 'lab-run', '/run']);
    fs.mkdirSync('/run/netns');
    fs.mkdirSync(HOST_DISK);
    fs.mkdirSync(path.join(this.dir, 'logs'), { recursive: true });
    fs.mkdirSync(this.disks, { recursive: true });

    await ip('netns', 'add', SERVER_HOST);
    fs.mkdirSync(path.join(this.disks, SERVER_HOST), { recursive: true });
    await ip('-n', SERVER_HOST, 'link', 'set', 'lo', 'up');
    await ip('-n', SERVER_HOST, 'link', 'add', 'lan', 'type', 'bridge');
    await ip('-n', SERVER_HOST, 'addr', 'add', `${SERVER_ADDRESS}/24`, 'dev', 'lan');
    await ip('-n', SERVER_HOST, 'link', 'set', 'lan', 'up');
    this.addresses.set(SERVER_HOST, SERVER_ADDRESS);

    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'client-lan', 'netns', SERVER_HOST);
    await ip('-n', SERVER_HOST, 'link', 'set', 'client-lan', 'master', 'lan', 'up');
    await ip('addr', 'add', `${CLIENT_ADDRESS}/24`, 'dev', 'eth0');
    await ip('link', 'set', 'eth0', 'up');
  }

  async handle(request: LabRequest): Promise<Omit<Extract<LabReply, { ok: true }>, 'id' | 'ok'>> {
    switch (request.op) {
      case 'addHost':
        return { address: await this.addHost(request.host) };
      case 'start':
        return { pid: this.start(request.host, request.name, request.argv, request.env, request.cwd) };
      case 'exec':
        return this.exec(request.host, request.argv, request.env, request.timeoutMs);
      case 'link':
        this.addressOf(request.host);
        await ip('-n', request.host, 'link', 'set', 'eth0', request.up ? 'up' : 'down');
        return {};
      case 'forward':
        await this.forward(request.socket, this.addressOf(request.to.host), request.to.port);
        return {};
      case 'ps':
        return { processes: this.processes() };
    }
    throw new Error(`unknown request ${JSON.stringify((request as { op?: unknown }).op)}: expected addHost, start, exec, link, forward or ps`);
  }

  private async addHost(host: string): Promise<string> {
    if (!HOST_NAME.test(host)) throw new Error(`host name ${JSON.stringify(host)}: expected a lowercase name of 1 to 11 letters, digits and '-'`);
    if (this.addresses.has(host)) throw new Error(`host ${host} exists already`);
    const address = `${LAN_PREFIX}.${FIRST_HOST_OCTET + this.addresses.size - 1}`;
    await ip('netns', 'add', host);
    await ip('-n', SERVER_HOST, 'link', 'add', `${host}-lan`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host);
    await ip('-n', SERVER_HOST, 'link', 'set', `${host}-lan`, 'master', 'lan', 'up');
    await ip('-n', host, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    await ip('-n', host, 'link', 'set', 'eth0', 'up');
    await ip('-n', host, 'link', 'set', 'lo', 'up');
    fs.mkdirSync(path.join(this.disks, host), { recursive: true });
    this.addresses.set(host, address);
    return address;
  }

  private addressOf(host: string): string {
    const address = this.addresses.get(host);
    if (!address) throw new Error(`no host ${host} in the lab (hosts: ${[...this.addresses.keys()].join(', ')})`);
    return address;
  }

  private inHost(host: string, argv: string[], cwd = HOST_DISK): string[] {
    this.addressOf(host);
    return ['netns', 'exec', host, 'unshare', '--uts', '--', 'sh', '-c', HOST_ENTRY, host, path.join(this.disks, host), this.disks, cwd, codeUnderTmp, ...argv];
  }

  /** Starts a long-running process in its own process group, its output in `<lab dir>/logs/<host>-<name>.log`. */
  private start(host: string, name: string, argv: string[], env: Record<string, string>, cwd?: string): number {
    const log = fs.openSync(path.join(this.dir, 'logs', `${host}-${name}.log`), 'a');
    const child = spawn('ip', this.inHost(host, argv, cwd), { env, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    child.on('error', (err) => process.stderr.write(`${host}/${name}: ${err.message}\n`));
    this.groups.add(child.pid!);
    child.once('exit', () => this.groups.delete(child.pid!));
    return child.pid!;
  }

  private async exec(host: string, argv: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run('ip', this.inHost(host, argv), { env, timeout: timeoutMs, killSignal: 'SIGKILL' });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { code?: number | string; stdout?: string; stderr?: string };
      if (typeof failed.code !== 'number') throw err;
      return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  /** A Unix socket whose connections continue over the LAN to `address:port`, for the test outside the lab. */
  private async forward(socket: string, address: string, port: number): Promise<void> {
    const server = net.createServer((local) => {
      const remote = net.connect(port, address);
      local.pipe(remote).pipe(local);
      local.on('error', () => remote.destroy());
      remote.on('error', () => local.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
    this.forwards.push(server);
  }

  /** Every process of the lab's pid namespace, with the host whose network it is in. */
  private processes(): LabProcess[] {
    const hostOf = new Map([...this.addresses.keys()].map((host) => [fs.statSync(`/run/netns/${host}`).ino, host]));
    const found: LabProcess[] = [];
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name (field 2) is in parentheses and may hold spaces: the fixed fields follow its last ')'.
        const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
        const host = hostOf.get(fs.statSync(`/proc/${entry}/ns/net`).ino) ?? null;
        found.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp), state: state!, argv, host });
      } catch {
        // ended while we looked
      }
    }
    return found;
  }

  shutDown(): void {
    for (const server of this.forwards) server.close();
    for (const group of this.groups) {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

function reply(message: LabReply | LabStatus): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir || !path.isAbsolute(dir)) throw new Error('usage: node network-lab.js <absolute lab directory>');
  const lab = new Lab(dir);
  // As the init of its pid namespace the lab gets no default signal actions: ending is up to it.
  const end = (): never => {
    lab.shutDown();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, end);
  try {
    await lab.setUp();
  } catch (err) {
    reply({ ready: false, error: (err as Error).message });
    end();
  }
  reply({ ready: true });
  const requests = readline.createInterface({ input: process.stdin });
  requests.on('line', (line) => {
    let id = -1;
    void (async () => {
      try {
        const request = JSON.parse(line) as LabRequest & { id: number };
        id = request.id;
        reply({ id, ok: true, ...(await lab.handle(request)) });
      } catch (err) {
        reply({ id, ok: false, error: (err as Error).message });
      }
    })();
  });
  // The test closed our stdin, or is gone.
  requests.on('close', end);
}

main().catch((err: unknown) => {
  process.stderr.write(`network lab failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
