import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { openArtifactStore } from '../../artifacts/store';
import type { ArtifactRef, PipelineSpec, TrainingResult } from '../../pipeline/types';
import { baseModelConfig } from '../trainer/model-source';
import { withPeriodicHeartbeat } from '../trainer/periodic-heartbeat';
import { runTrainer } from '../trainer/trainer-process';
import { activityWorkDir } from '../trainer/work-dir';

export interface FineTuneInput {
  spec: PipelineSpec;
  train: ArtifactRef;
  validation: ArtifactRef;
}

/** What a training attempt heartbeats; the next attempt resumes from `checkpoint` when it is still on disk. */
export interface TrainingProgress {
  step: number;
  totalSteps: number | null;
  loss: number | null;
  evalLoss: number | null;
  checkpoint: string | null;
}

/**
 * Fine-tunes the base model on the gpu queue through the Python trainer, heartbeating every step.
 * The output (a LoRA adapter, or the whole model for full fine-tuning) goes to the artifact store.
 */
export async function fineTune({ spec, train, validation }: FineTuneInput): Promise<TrainingResult> {
  const ctx = Context.current();
  const workDir = activityWorkDir('fine-tune');
  const store = openArtifactStore();
  const trainFile = path.join(workDir, 'data', 'train.jsonl');
  const validationFile = path.join(workDir, 'data', 'validation.jsonl');
  await store.getFile(train, trainFile);
  await store.getFile(validation, validationFile);

  const previous = ctx.info.heartbeatDetails as TrainingProgress | undefined;
  const resumeFrom = previous?.checkpoint && fs.existsSync(previous.checkpoint) ? previous.checkpoint : null;
  const progress: TrainingProgress = { step: previous?.step ?? 0, totalSteps: null, loss: null, evalLoss: null, checkpoint: resumeFrom };
  const outputDir = path.join(workDir, 'output');
  const t = spec.training;

  let earlyStopped = false;
  const done = await withPeriodicHeartbeat(
    () => progress,
    () =>
      runTrainer({
        command: 'train',
        workDir,
        signal: ctx.cancellationSignal,
        config: {
          ...baseModelConfig(spec),
          method: t.method,
          lora: t.lora,
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
          train_file: trainFile,
          // A spec may give validation no share: then training runs without evaluation or early stopping.
          validation_file: validation.size > 0 ? validationFile : null,
          output_dir: outputDir,
          resume_from_checkpoint: resumeFrom,
        },
        onEvent: (event) => {
          if (event.event === 'started') progress.totalSteps = num(event.total_steps);
          if (event.event === 'step') {
            progress.step = num(event.step) ?? progress.step;
            progress.loss = num(event.loss);
            ctx.heartbeat(progress);
          }
          if (event.event === 'eval') progress.evalLoss = num(event.eval_loss);
          if (event.event === 'checkpoint') {
            progress.checkpoint = String(event.path);
            ctx.heartbeat(progress);
          }
          if (event.event === 'early_stop') earlyStopped = true;
        },
      }),
  );

  const model = await store.putDirectory(String(done.model_dir));
  fs.rmSync(workDir, { recursive: true, force: true });
  return {
    model,
    steps: num(done.steps) ?? progress.step,
    trainLoss: num(done.train_loss) ?? Number.NaN,
    bestEvalLoss: num(done.best_eval_loss),
    earlyStopped,
    resumedFromStep: resumeFrom ? (previous?.step ?? null) : null,
    runtimeS: num(done.runtime_s) ?? 0,
  };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
