import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { ApplicationFailure } from '@temporalio/common';
import { modelCacheDir, pythonBin, trainerDir } from '../../config/paths';
import { fail, hintOf, type FailureType } from '../../failures';
import { releaseTrainerGroup, signalTrainerGroup, trackTrainerGroup, workerIsShuttingDown } from './trainer-groups';

/** One JSON line from the trainer's stdout. */
export interface TrainerEvent {
  event: string;
  [key: string]: unknown;
}

/** What the worker can say to a running trainer: one JSON line on its stdin (the train command's acknowledgements). */
export interface TrainerChannel {
  send(message: Record<string, unknown>): void;
}

export interface TrainerRun {
  command: 'train' | 'evaluate' | 'export' | 'inspect-model' | 'token-stats';
  config: object;
  /** The config file and any scratch files go here. */
  workDir: string;
  onEvent?: (event: TrainerEvent, channel: TrainerChannel) => void;
  /** Aborting sends SIGTERM to the trainer's process group so it can checkpoint, then SIGKILL after `graceMs`. */
  signal?: AbortSignal;
  graceMs?: number;
  /** A trainer that prints no event for this long is hung: its group is killed and the run fails as TrainerHung. */
  stallTimeoutMs?: number;
}

/** The catalogued failure for each `type` of the trainer's `error` event; any other type is a TrainerFailed. */
const ERROR_FAILURES: Record<string, FailureType> = {
  config: 'InvalidTrainerConfig',
  data: 'InvalidData',
  oom: 'OutOfMemory',
};

/**
 * Runs the Python trainer as a child process and streams its JSON-lines events.
 * Resolves with the final `done` event; a trainer error becomes a catalogued Temporal failure.
 * The trainer leads its own process group, which never outlives this worker: an exiting worker kills it,
 * and a killed one leaves it to the trainer's parent watchdog.
 */
export async function runTrainer(run: TrainerRun): Promise<TrainerEvent> {
  fs.mkdirSync(run.workDir, { recursive: true });
  const configFile = path.join(run.workDir, `${run.command}-config.json`);
  fs.writeFileSync(configFile, JSON.stringify(run.config, null, 2));
  if (!fs.existsSync(pythonBin)) {
    throw trainerFailure('TrainerNotInstalled', `the trainer's Python environment is missing at ${pythonBin}`);
  }
  // An abort that came before the listener below would otherwise never reach the trainer.
  run.signal?.throwIfAborted();

  const child = spawn(pythonBin, ['-m', 'tempered_trainer', run.command, '--config', configFile], {
    cwd: run.workDir,
    detached: true,
    env: {
      ...process.env,
      PYTHONPATH: trainerDir,
      PYTHONUNBUFFERED: '1',
      HF_HUB_OFFLINE: '1',
      TRANSFORMERS_OFFLINE: '1',
      TEMPERED_MODEL_CACHE: modelCacheDir,
      // The trainer watches this pid and ends its group when it is gone (a SIGKILLed worker runs no cleanup).
      TEMPERED_PARENT_PID: String(process.pid),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // A trainer that has exited cannot read what is still being sent; that is no error of the worker's.
  child.stdin!.on('error', () => {});
  const channel: TrainerChannel = {
    send: (message) => {
      if (child.stdin!.writable) child.stdin!.write(`${JSON.stringify(message)}\n`);
    },
  };
  const pid = child.pid;
  if (pid !== undefined) {
    trackTrainerGroup(pid);
    // On 'exit', not 'close': a straggler in the group would hold the pipes open and 'close' would never come.
    child.once('exit', () => releaseTrainerGroup(pid));
  }
  const stderrTail: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
  });

  let done: TrainerEvent | undefined;
  let error: TrainerEvent | undefined;
  let cancelled: TrainerEvent | undefined;
  let hungFor: number | undefined;
  let lastEventAt = Date.now();
  const stallCheck =
    run.stallTimeoutMs === undefined || pid === undefined
      ? undefined
      : setInterval(() => {
          const silent = Date.now() - lastEventAt;
          if (silent > run.stallTimeoutMs! && hungFor === undefined) {
            hungFor = silent;
            signalTrainerGroup(pid, 'SIGKILL');
          }
        }, Math.min(1000, run.stallTimeoutMs));
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    lastEventAt = Date.now();
    let event: TrainerEvent;
    try {
      event = JSON.parse(line) as TrainerEvent;
    } catch {
      stderrTail.push(`(stdout) ${line}`);
      return;
    }
    if (event.event === 'done') done = event;
    else if (event.event === 'error') error = event;
    else if (event.event === 'cancelled') cancelled = event;
    run.onEvent?.(event, channel);
  });

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (pid === undefined) return;
    signalTrainerGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => signalTrainerGroup(pid, 'SIGKILL'), run.graceMs ?? 60_000);
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  run.signal?.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);
  if (stallCheck) clearInterval(stallCheck);

  if (run.signal?.aborted) throw run.signal.reason ?? new Error(`trainer ${run.command} cancelled`);
  if (hungFor !== undefined) {
    const limit = run.stallTimeoutMs! / 1000;
    throw trainerFailure('TrainerHung', `trainer ${run.command} reported nothing for ${Math.round(hungFor / 1000)} s (its limit is ${limit} s) and was killed`);
  }
  if (exit.code === 0 && done) return done;
  if (cancelled && workerIsShuttingDown()) {
    throw trainerFailure('WorkerShuttingDown', `trainer ${run.command} checkpointed at step ${String(cancelled.step)} and stopped because its worker is shutting down`);
  }
  throw failureOf(run.command, exit, { error, cancelled }, stderrTail);
}

/** Why a trainer ended without a result, as a catalogued failure. */
function failureOf(
  command: TrainerRun['command'],
  exit: { code: number | null; signal: NodeJS.Signals | null },
  last: { error?: TrainerEvent; cancelled?: TrainerEvent },
  stderrTail: string[],
): ApplicationFailure {
  if (last.cancelled) {
    // Only the worker signals the trainer's group, and it did not: someone on the host stopped the trainer.
    return trainerFailure('TrainerCrashed', `trainer ${command} was stopped at step ${String(last.cancelled.step)} by a signal that did not come from the worker`);
  }
  if (last.error) {
    const type = ERROR_FAILURES[String(last.error.type)] ?? 'TrainerFailed';
    const details = type === 'TrainerFailed' ? [{ stderr: stderrTail.join('\n') }] : [];
    return trainerFailure(type, `trainer ${command} failed: ${String(last.error.message)}`, ...details);
  }
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
  const output = stderrTail.slice(-15).join('\n');
  return fail('TrainerCrashed', `trainer ${command} exited with ${how} without a result (hint: ${hintOf('TrainerCrashed')}); last output:\n${output}`);
}

/** A catalogued failure whose message says what the user can do about it. */
function trainerFailure(type: FailureType, message: string, ...details: unknown[]): ApplicationFailure {
  return fail(type, `${message} (hint: ${hintOf(type)})`, ...details);
}
