import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { LabProcess, LabReply, LabRequest, LabStatus } from './lab-protocol';

const labScript = path.join(__dirname, 'network-lab.js');

/** user: root inside, for ip and mount; net: the LAN; mount: /run/netns; pid: nothing outlives the lab. */
const UNSHARE_ARGS = ['--user', '--map-root-user', '--net', '--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc'];

const NEEDS =
  'the multi-host test needs unprivileged user and network namespaces (user.max_user_namespaces > 0; on Debian and ' +
  'Ubuntu also kernel.unprivileged_userns_clone=1 and kernel.apparmor_restrict_unprivileged_userns=0), util-linux ' +
  'unshare and iproute2 ip with veth and bridge support';

/**
 * The test's handle on a network lab (network-lab.ts) running in namespaces of its own: adds hosts, starts
 * processes on them, cuts their links, and forwards ports of the LAN to 127.0.0.1 on the test's side.
 */
export class NetworkLab {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (reply: LabReply) => void; reject: (err: Error) => void }>();
  private readonly localForwards: net.Server[] = [];
  private exited: Promise<void>;

  private constructor(
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly stderr: string[],
    lines: readline.Interface,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    lines.on('line', (line) => {
      const reply = JSON.parse(line) as LabReply;
      this.pending.get(reply.id)?.resolve(reply);
      this.pending.delete(reply.id);
    });
    void this.exited.then(() => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`the network lab exited: ${this.stderr.join('\n')}`));
      this.pending.clear();
    });
  }

  /** Starts the lab; fails saying what the machine lacks when it cannot have namespaces. */
  static async start(): Promise<NetworkLab> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-lab-'));
    const child = spawn('unshare', [...UNSHARE_ARGS, process.execPath, labScript, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: string[] = [];
    readline.createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (stderr.length > 40) stderr.shift();
    });
    const lines = readline.createInterface({ input: child.stdout! });
    const status = await new Promise<LabStatus>((resolve) => {
      lines.once('line', (line) => resolve(JSON.parse(line) as LabStatus));
      child.once('error', (err) => resolve({ ready: false, error: err.message }));
      child.once('exit', (code, signal) => setImmediate(() => resolve({ ready: false, error: `unshare exited with ${signal ?? `code ${code}`}: ${stderr.join('\n')}` })));
    });
    if (!status.ready) {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`could not set up the network lab (${status.error.trim()}); ${NEEDS}`);
    }
    return new NetworkLab(dir, child, stderr, lines);
  }

  private async request(request: LabRequest): Promise<Extract<LabReply, { ok: true }>> {
    const id = this.nextId++;
    const reply = await new Promise<LabReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin!.write(`${JSON.stringify({ ...request, id })}\n`);
    });
    if (!reply.ok) throw new Error(`network lab, ${request.op}: ${reply.error}`);
    return reply;
  }

  /** A new host on the LAN; returns its address. */
  async addHost(host: string): Promise<string> {
    return (await this.request({ op: 'addHost', host })).address!;
  }

  /** Starts a long-running process on a host; returns its pid in the lab. */
  async start(host: string, name: string, argv: string[], env: Record<string, string>, cwd?: string): Promise<number> {
    return (await this.request({ op: 'start', host, name, argv, env, cwd })).pid!;
  }

  /** Runs a command on a host to its end. */
  async exec(host: string, argv: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const reply = await this.request({ op: 'exec', host, argv, env, timeoutMs });
    return { code: reply.code ?? null, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '' };
  }

  /** Takes a host's network link down (the host is cut off, its processes keep running) or up again. */
  async setLink(host: string, up: boolean): Promise<void> {
    await this.request({ op: 'link', host, up });
  }

  async processes(): Promise<LabProcess[]> {
    return (await this.request({ op: 'ps' })).processes!;
  }

  /** A port on 127.0.0.1 here whose connections reach `port` of `host` over the LAN, from the lab's client address. */
  async forward(host: string, port: number): Promise<number> {
    const socket = path.join(this.dir, `${host}-${port}.sock`);
    await this.request({ op: 'forward', socket, to: { host, port } });
    const server = net.createServer((local) => {
      const remote = net.connect(socket);
      local.pipe(remote).pipe(local);
      local.on('error', () => remote.destroy());
      remote.on('error', () => local.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.localForwards.push(server);
    return (server.address() as net.AddressInfo).port;
  }

  /** The folder a host has as its disk. */
  diskOf(host: string): string {
    return path.join(this.dir, 'hosts', host);
  }

  /** The end of what a process started with `start` printed, for failure messages. */
  logTail(host: string, name: string, lines = 30): string {
    const file = path.join(this.dir, 'logs', `${host}-${name}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : `(no log at ${file})`;
  }

  /** `work`, failing with the ends of the named processes' logs added to its error: the cause is usually there. */
  async withLogs<T>(work: Promise<T>, processes: [host: string, name: string][]): Promise<T> {
    try {
      return await work;
    } catch (err) {
      const logs = processes.map(([host, name]) => `--- ${host}/${name} ---\n${this.logTail(host, name)}`).join('\n');
      if (err instanceof Error) {
        err.message += `\n${logs}`;
        throw err;
      }
      throw new Error(`${String(err)}\n${logs}`);
    }
  }

  /** Ends the lab and with it every process on its hosts; safe to call twice. */
  async close(): Promise<void> {
    for (const server of this.localForwards.splice(0)) server.close();
    this.child.stdin!.end();
    const gone = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000).unref())]);
    // unshare's --kill-child takes the lab, the init of its pid namespace, and so every process in it along.
    if (!gone) this.child.kill('SIGKILL');
    await this.exited;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
