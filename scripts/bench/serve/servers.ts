import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server under test, run as a child process: ready once it prints `listening on http://host:port` on stdout. */
export class ServerProcess {
  private exit: string | null = null;

  private constructor(
    readonly name: string,
    readonly baseUrl: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    child.on('exit', (code, signal) => (this.exit = signal ? `killed by ${signal}` : `exit code ${code}`));
  }

  /**
   * Starts `command` (argv, the first entry the program) with its stdout and stderr written to `logFile`; rejects,
   * with the end of the log, when it exits or stays silent for `timeoutS` before printing its address.
   */
  static start(name: string, command: string[], logFile: string, timeoutS: number, env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
    const log = fs.createWriteStream(logFile);
    log.write(`$ ${command.join(' ')}\n`);
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    live.add(child);
    child.on('exit', () => live.delete(child));
    child.stderr!.pipe(log, { end: false });
    return new Promise((resolve, reject) => {
      let stdout = '';
      let settled = false;
      const fail = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        // The log stream gets what is still buffered before its end is read.
        setTimeout(() => reject(new Error(`${name} did not start: ${why}\n${tail(logFile, 20)}\n(log: ${logFile})`)), 200);
      };
      const timer = setTimeout(() => fail(`no "listening on" line within ${timeoutS} s`), timeoutS * 1000);
      child.stdout!.on('data', (chunk: Buffer) => {
        log.write(chunk);
        if (settled) return;
        stdout += chunk.toString('utf8');
        const match = /listening on (https?:\/\/\S+)/.exec(stdout);
        if (match) {
          settled = true;
          clearTimeout(timer);
          resolve(new ServerProcess(name, match[1]!.replace(/\/$/, ''), logFile, child));
        }
      });
      child.on('error', (err) => fail(err.message));
      child.on('exit', (code, signal) => fail(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
  }

  /** Why the process ended, or null while it runs. */
  get exited(): string | null {
    return this.exit;
  }

  /** SIGTERM (a graceful shutdown), then SIGKILL after `graceS`. */
  async stop(graceS = 10): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const graceful = await Promise.race([exited.then(() => true), sleep(graceS * 1000).then(() => false)]);
    if (!graceful) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}

/** Children still running; killed if the bench process exits without stopping them. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
