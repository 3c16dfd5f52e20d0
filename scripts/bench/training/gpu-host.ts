import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { modelCacheDir, projectRoot, pythonBin } from '../../../src/config/paths';
import { taskQueues } from '../../../src/config/queues';

/** The production gpu worker entry point, next to this file in the build. */
const gpuWorkerEntry = path.resolve(__dirname, '..', '..', '..', 'src', 'workers', 'gpu.js');
const trainerTap = path.join(projectRoot, 'scripts', 'bench', 'training', 'trainer-tap.py');

/** One line of a trainer's tap log (see trainer-tap.py): an event it wrote or an acknowledgement it read. */
export interface TapEntry {
  /** Wall-clock seconds, comparable with Date.now() / 1000. */
  t: number;
  pid: number;
  event?: string;
  step?: number | null;
  ack?: number;
}

/**
 * A folder laid out like the trainer's venv whose bin/python runs the real one through trainer-tap.py: a gpu
 * worker given it as TEMPERED_VENV starts its trainers unchanged, but each of their events is logged with its time.
 */
export function makeTapVenv(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(path.join(bin, 'python'), `#!/bin/sh\nexec ${quote(pythonBin)} ${quote(trainerTap)} "$@"\n`, { mode: 0o755 });
  return dir;
}

export interface HostSetup {
  address: string;
  namespace: string;
  /** Each host gets its own state folder (work dirs) here, as a separate machine would have its own disk. */
  dir: string;
  tapVenv: string;
  artifacts: string;
}

/** The production gpu worker in a process of its own, with its own state folder and a tapped trainer. */
export class GpuHost {
  readonly process: ChildProcess;
  readonly home: string;
  readonly trainerLog: string;
  readonly workerLog: string;
  private readonly exit: Promise<void>;

  constructor(
    readonly name: string,
    setup: HostSetup,
  ) {
    this.home = path.join(setup.dir, `host-${name}`);
    fs.mkdirSync(this.home, { recursive: true });
    this.trainerLog = path.join(this.home, 'trainer-events.jsonl');
    this.workerLog = path.join(this.home, 'worker.log');
    const log = fs.openSync(this.workerLog, 'a');
    this.process = spawn(process.execPath, [gpuWorkerEntry], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: setup.address,
        TEMPORAL_NAMESPACE: setup.namespace,
        TEMPERED_HOME: this.home,
        TEMPERED_VENV: setup.tapVenv,
        TEMPERED_MODEL_CACHE: modelCacheDir,
        TEMPERED_ARTIFACTS: setup.artifacts,
        TEMPERED_BENCH_TRAINER_LOG: this.trainerLog,
      },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    this.exit = new Promise((resolve) => this.process.once('exit', () => resolve()));
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** Resolves once this worker polls the gpu queue; fails if it exits first. */
  async ready(client: Client, namespace: string, withinMs = 60_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    const identity = `${this.process.pid}@${os.hostname()}`;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`gpu worker ${this.name} exited before polling; see ${this.workerLog}:\n${this.logTail()}`);
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueues().gpu },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      });
      if (pollers?.some((p) => p.identity === identity)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`gpu worker ${this.name} did not poll the gpu queue within ${withinMs / 1000} s; see ${this.workerLog}`);
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (!this.exited) this.process.kill(signal);
    await this.exit;
  }

  /** What its trainers said so far, in order. */
  trainerEvents(): TapEntry[] {
    if (!fs.existsSync(this.trainerLog)) return [];
    return fs
      .readFileSync(this.trainerLog, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as TapEntry);
  }

  logTail(lines = 20): string {
    return fs.existsSync(this.workerLog) ? fs.readFileSync(this.workerLog, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no output)';
  }
}
