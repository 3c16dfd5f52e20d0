import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ApplicationFailure } from '@temporalio/common';
import { modelCacheDir, pythonBin, trainerDir } from '../../config/paths';

/** One JSON line from the trainer's stdout. */
export interface TrainerEvent {
  event: string;
  [key: string]: unknown;
}

export interface TrainerRun {
  command: 'train' | 'evaluate' | 'inspect-model';
  config: Record<string, unknown>;
  /** The config file and any scratch files go here. */
  workDir: string;
  onEvent?: (event: TrainerEvent) => void;
  /** Aborting sends SIGTERM so the trainer can checkpoint, then SIGKILL after `graceMs`. */
  signal?: AbortSignal;
  graceMs?: number;
}

/** Failure kinds the workflow's retry policies name. */
const FAILURE_TYPES: Record<string, { type: string; retryable: boolean; hint?: string }> = {
  config: { type: 'InvalidTrainerConfig', retryable: false },
  data: { type: 'InvalidData', retryable: false },
  oom: { type: 'OutOfMemory', retryable: false, hint: 'lower training.batch_size or data.max_length, or use method qlora' },
};

/**
 * Runs the Python trainer as a child process and streams its JSON-lines events.
 * Resolves with the final `done` event; a trainer error becomes a typed Temporal failure.
 */
export async function runTrainer(run: TrainerRun): Promise<TrainerEvent> {
  fs.mkdirSync(run.workDir, { recursive: true });
  const configFile = path.join(run.workDir, `${run.command}-config.json`);
  fs.writeFileSync(configFile, JSON.stringify(run.config, null, 2));
  if (!fs.existsSync(pythonBin)) {
    throw ApplicationFailure.nonRetryable(`the trainer's Python environment is missing at ${pythonBin}; run \`npm run bootstrap\``, 'TrainerNotInstalled');
  }

  const child = spawn(pythonBin, ['-m', 'tempered_trainer', run.command, '--config', configFile], {
    cwd: run.workDir,
    env: {
      ...process.env,
      PYTHONPATH: trainerDir,
      PYTHONUNBUFFERED: '1',
      HF_HUB_OFFLINE: '1',
      TRANSFORMERS_OFFLINE: '1',
      TEMPERED_MODEL_CACHE: modelCacheDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrTail: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
  });

  let done: TrainerEvent | undefined;
  let error: TrainerEvent | undefined;
  let cancelled = false;
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let event: TrainerEvent;
    try {
      event = JSON.parse(line) as TrainerEvent;
    } catch {
      stderrTail.push(`(stdout) ${line}`);
      return;
    }
    if (event.event === 'done') done = event;
    else if (event.event === 'error') error = event;
    else if (event.event === 'cancelled') cancelled = true;
    run.onEvent?.(event);
  });

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), run.graceMs ?? 60_000);
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  run.signal?.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);

  if (run.signal?.aborted || cancelled) throw run.signal?.reason ?? new Error('trainer cancelled');
  if (exit.code === 0 && done) return done;
  if (error) {
    const kind = FAILURE_TYPES[String(error.type)];
    const message = `trainer ${run.command} failed: ${String(error.message)}${kind?.hint ? ` (hint: ${kind.hint})` : ''}`;
    if (kind && !kind.retryable) throw ApplicationFailure.nonRetryable(message, kind.type);
    throw ApplicationFailure.retryable(message, 'TrainerFailed', { stderr: stderrTail.join('\n') });
  }
  throw ApplicationFailure.retryable(
    `trainer ${run.command} exited with ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`} without a result; last output:\n${stderrTail.slice(-15).join('\n')}`,
    'TrainerCrashed',
  );
}
