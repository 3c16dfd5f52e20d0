import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { openArtifactStore } from '../../artifacts/store';
import { startTrainingThroughput } from '../../observability/training-throughput';
import type { ArtifactRef, PipelineSpec, TrainingResult } from '../../pipeline/types';
import { storeLossCurve } from '../../report/loss-curve';
import { runTrainer, type TrainerChannel, type TrainerEvent } from '../trainer/trainer-process';
import { activityWorkDir } from '../trainer/work-dir';
import { CheckpointKeeper, NO_CHECKPOINT, type CheckpointState } from './checkpoints';
import { prepareForgettingData } from './forgetting-data';
import { heartbeatTimeoutMs, trainerTrainConfig } from './trainer-config';

export interface FineTuneInput {
  spec: PipelineSpec;
  train: ArtifactRef;
  validation: ArtifactRef;
}

/** What a training attempt heartbeats; the next attempt, on any host, resumes from `checkpoint`. */
export interface TrainingProgress extends CheckpointState {
  step: number;
  totalSteps: number | null;
  loss: number | null;
  evalLoss: number | null;
  /** Training tokens per second over the last logged steps, as the trainer measured them. */
  tokensPerS?: number | null;
  /** What the trainer is doing: loading a model, training, evaluating, uploading. */
  phase: string | null;
}

/**
 * Fine-tunes the base model on the gpu queue through the Python trainer. Each checkpoint goes to the artifact
 * store and is heartbeated only once stored, so a retry on another host loses at most one checkpoint interval.
 * The worker heartbeats only what the trainer reports: a trainer silent for the heartbeat timeout is killed and
 * its attempt fails as hung. The output (a LoRA adapter, or the whole model for full fine-tuning; the best
 * checkpoint's when there is a validation split) goes to the artifact store.
 */
export async function fineTune({ spec, train, validation }: FineTuneInput): Promise<TrainingResult> {
  const ctx = Context.current();
  const workDir = activityWorkDir('fine-tune');
  const store = openArtifactStore();
  const trainFile = path.join(workDir, 'data', 'train.jsonl');
  const validationFile = path.join(workDir, 'data', 'validation.jsonl');
  const outputDir = path.join(workDir, 'output');
  await store.getFile(train, trainFile);
  await store.getFile(validation, validationFile);
  // Read here, by the worker that trains, under its own data roots: the data phase's artifacts hold the task's data only.
  const forgetting = await prepareForgettingData(spec, path.join(workDir, 'data', 'forgetting'));

  const previous = ctx.info.heartbeatDetails as TrainingProgress | undefined;
  const checkpoints = await CheckpointKeeper.forCurrentActivity(store, previous ?? NO_CHECKPOINT);
  const resumeFrom = await checkpoints.restore(outputDir);
  const resumedFromStep = resumeFrom ? checkpoints.current.checkpointStep : null;
  const progress: TrainingProgress = {
    step: checkpoints.current.checkpointStep ?? 0,
    totalSteps: previous?.totalSteps ?? null,
    loss: null,
    evalLoss: null,
    phase: 'starting',
    ...checkpoints.current,
  };
  ctx.heartbeat(progress);

  const throughput = startTrainingThroughput();
  let earlyStopped = false;
  // Uploads run one at a time, in the order the trainer announced its checkpoints.
  let uploads: Promise<void> = Promise.resolve();
  // A failed upload stops the trainer as a cancellation would: it would otherwise wait for its acknowledgement
  // forever while still reporting itself alive, and the attempt would never end.
  const uploadFailed = new AbortController();
  const onEvent = (event: TrainerEvent, trainer: TrainerChannel): void => {
    switch (event.event) {
      case 'started':
        progress.totalSteps = num(event.total_steps);
        break;
      case 'step':
        progress.step = num(event.step) ?? progress.step;
        progress.loss = num(event.loss);
        progress.tokensPerS = num(event.tokens_per_s);
        throughput.report(progress.tokensPerS);
        progress.phase = 'training';
        break;
      case 'alive':
        progress.phase = typeof event.phase === 'string' ? event.phase : progress.phase;
        break;
      case 'eval':
        progress.evalLoss = num(event.eval_loss);
        break;
      case 'early_stop':
        earlyStopped = true;
        break;
      case 'checkpoint': {
        const step = num(event.step)!;
        uploads = uploads.then(async () => {
          Object.assign(progress, await checkpoints.upload(step, String(event.path), num(event.best_step)));
          ctx.heartbeat(progress);
          trainer.send({ ack: step });
        });
        // A failed upload fails the attempt below, once the trainer has been stopped.
        uploads.catch((err: unknown) => uploadFailed.abort(err));
        return;
      }
    }
    ctx.heartbeat(progress);
  };

  let done: TrainerEvent;
  try {
    done = await runTrainer({
      command: 'train',
      workDir,
      signal: AbortSignal.any([ctx.cancellationSignal, uploadFailed.signal]),
      stallTimeoutMs: heartbeatTimeoutMs(spec),
      config: trainerTrainConfig(spec, {
        trainFile,
        validationFile: validation.size > 0 ? validationFile : null,
        ...forgetting,
        outputDir,
        resumeFrom,
      }),
      onEvent,
    });
  } finally {
    throughput.end();
    // Whatever ended the trainer, a checkpoint it announced is stored (or its upload failed) before this attempt ends.
    await uploads.catch(() => undefined);
  }
  await uploads;

  const model = await store.putDirectory(String(done.model_dir));
  const curve = await storeLossCurve(store, done.loss_curve);
  fs.rmSync(workDir, { recursive: true, force: true });
  return {
    model,
    steps: num(done.steps) ?? progress.step,
    trainLoss: num(done.train_loss) ?? Number.NaN,
    finalLoss: num(done.final_loss),
    bestEvalLoss: num(done.best_eval_loss),
    bestStep: num(done.best_step),
    earlyStopped,
    resumedFromStep,
    runtimeS: num(done.runtime_s) ?? 0,
    curve,
    forgetting:
      forgetting.replayFile || forgetting.heldOutFile
        ? { heldOutLossBefore: num(done.held_out_loss_before), heldOutLossAfter: num(done.held_out_loss_after), replayExamples: num(done.replay_examples) ?? 0 }
        : null,
  };
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
