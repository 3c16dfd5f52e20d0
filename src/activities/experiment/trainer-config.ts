import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { PipelineSpec } from '../../pipeline/types';
import { baseModelConfig } from '../trainer/model-source';

/**
 * The `train` command's config, field for field what trainer/tempered_trainer/config.py's TrainConfig requires.
 * The spec's schema is the only place with defaults: every field is filled from the validated spec here, and
 * the trainer refuses a config that lacks one, so the two sides cannot disagree on a default.
 */
export interface TrainerTrainConfig {
  base_model: string;
  gguf_file: string | null;
  method: 'lora' | 'qlora' | 'full';
  lora: { r: number; alpha: number; dropout: number; target_modules: string[] };
  epochs: number;
  max_steps: number | null;
  batch_size: number;
  gradient_accumulation_steps: number;
  learning_rate: number;
  warmup_steps: number;
  max_length: number;
  seed: number;
  eval_steps: number;
  save_steps: number;
  early_stopping_patience: number;
  logging_steps: number;
  train_file: string;
  validation_file: string | null;
  packing: boolean;
  replay_file: string | null;
  replay_share: number | null;
  held_out_file: string | null;
  output_dir: string;
  resume_from_checkpoint: string | null;
  checkpoint_acks: boolean;
  liveness_interval_s: number;
  stall_timeout_s: number;
}

export interface TrainerFiles {
  trainFile: string;
  /** Null when the spec gives validation no share: then training runs without evaluation or early stopping. */
  validationFile: string | null;
  /** The forgetting guard's replay and held-out records as local JSONL files; left out or null when the spec has none. */
  replayFile?: string | null;
  heldOutFile?: string | null;
  outputDir: string;
  resumeFrom: string | null;
}

/** Liveness events come this many times per heartbeat timeout, so one late event is no timeout. */
const LIVENESS_PER_HEARTBEAT_TIMEOUT = 4;

export function trainerTrainConfig(spec: PipelineSpec, files: TrainerFiles): TrainerTrainConfig {
  const t = spec.training;
  const { replay, held_out: heldOut } = t.forgetting;
  const replayFile = files.replayFile ?? null;
  const heldOutFile = files.heldOutFile ?? null;
  if (Boolean(replay) !== (replayFile !== null) || Boolean(heldOut) !== (heldOutFile !== null)) {
    throw new Error('training.forgetting: the replay and held-out files handed to the trainer must match the spec');
  }
  return {
    ...baseModelConfig(spec),
    method: t.method,
    lora: { r: t.lora.r, alpha: t.lora.alpha, dropout: t.lora.dropout, target_modules: [...t.lora.target_modules] },
    epochs: t.epochs,
    max_steps: t.max_steps ?? null,
    batch_size: t.batch_size,
    gradient_accumulation_steps: t.gradient_accumulation_steps,
    learning_rate: t.learning_rate,
    warmup_steps: t.warmup_steps,
    max_length: spec.data.max_length,
    seed: spec.data.split.seed,
    eval_steps: t.eval_steps,
    save_steps: t.save_steps,
    early_stopping_patience: t.early_stopping.patience,
    logging_steps: 1,
    train_file: files.trainFile,
    validation_file: files.validationFile,
    packing: t.packing,
    replay_file: replayFile,
    replay_share: replay ? replay.share : null,
    held_out_file: heldOutFile,
    output_dir: files.outputDir,
    resume_from_checkpoint: files.resumeFrom,
    checkpoint_acks: true,
    liveness_interval_s: heartbeatTimeoutMs(spec) / 1000 / LIVENESS_PER_HEARTBEAT_TIMEOUT,
    stall_timeout_s: msToNumber(t.stall_timeout as Duration) / 1000,
  };
}

/** How long the trainer may stay silent before its attempt is failed as hung (the fine-tune activity's heartbeat timeout). */
export function heartbeatTimeoutMs(spec: PipelineSpec): number {
  return msToNumber(spec.training.heartbeat_timeout as Duration);
}
