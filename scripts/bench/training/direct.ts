import fs from 'node:fs';
import path from 'node:path';
import { trainerTrainConfig } from '../../../src/activities/experiment/trainer-config';
import { baseModelConfig } from '../../../src/activities/trainer/model-source';
import { runTrainer } from '../../../src/activities/trainer/trainer-process';
import type { PipelineSpec } from '../../../src/pipeline/types';
import type { TrainingData } from './data';

export interface DirectRun {
  seconds: number;
  steps: number;
  /** The trainer's own run as it reports it (`done.runtime_s`: from reading the data to saving the model). */
  trainerSeconds: number;
  /** The Trainer's own train() time, evaluations and saves included, read from the saved model's record. */
  trainLoopSeconds: number;
  /** Bytes of each checkpoint folder the trainer wrote. */
  checkpointBytes: number[];
}

/**
 * The training run straight through the trainer: the exact config the fine-tune activity builds, in a process
 * started the way the activity starts it, with no server, store or upload. Each checkpoint is acknowledged as
 * soon as it is announced, as if its upload took no time.
 */
export async function runDirect(spec: PipelineSpec, data: TrainingData, workDir: string): Promise<DirectRun> {
  fs.rmSync(workDir, { recursive: true, force: true });
  const outputDir = path.join(workDir, 'output');
  const config = trainerTrainConfig(spec, { trainFile: data.train, validationFile: data.validation, outputDir, resumeFrom: null });
  const checkpointBytes: number[] = [];
  const started = performance.now();
  const done = await runTrainer({
    command: 'train',
    workDir,
    config,
    onEvent: (event, trainer) => {
      if (event.event !== 'checkpoint') return;
      // The folder is complete when the trainer announces it; measuring it delays the acknowledgement by a millisecond.
      checkpointBytes.push(folderBytes(String(event.path)));
      trainer.send({ ack: event.step });
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const record = JSON.parse(fs.readFileSync(path.join(String(done.model_dir), 'tempered_training.json'), 'utf8')) as {
    metrics: { train_runtime_s: number | null };
  };
  return { seconds, steps: Number(done.steps), trainerSeconds: Number(done.runtime_s), trainLoopSeconds: record.metrics.train_runtime_s ?? Number.NaN, checkpointBytes };
}

/** Tokens one epoch trains on, counted by the trainer's tokenizer code; refuses data that max_length would cut. */
export async function tokensPerEpoch(spec: PipelineSpec, data: TrainingData, workDir: string): Promise<number> {
  const done = await runTrainer({
    command: 'token-stats',
    workDir,
    config: { ...baseModelConfig(spec), files: [data.train], max_length: spec.data.max_length, seed: spec.data.split.seed },
  });
  if (Number(done.truncated) > 0) {
    throw new Error(`${done.truncated} training records are longer than data.max_length (${spec.data.max_length}): raise it in scripts/bench/training/spec.ts so every token is counted`);
  }
  return Math.round(Number(done.records) * Number(done.mean));
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size);
  }, 0);
}
