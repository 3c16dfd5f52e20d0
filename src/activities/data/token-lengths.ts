import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { openArtifactStore } from '../../artifacts/store';
import type { ArtifactRef, PipelineSpec, TokenLengths } from '../../pipeline/types';
import { baseModelConfig } from '../trainer/model-source';
import { withPeriodicHeartbeat } from '../trainer/periodic-heartbeat';
import { runTrainer } from '../trainer/trainer-process';
import { activityWorkDir } from '../trainer/work-dir';

export interface TokenLengthsInput {
  spec: PipelineSpec;
  splits: ArtifactRef[];
}

/**
 * The records' lengths in the base model's tokens, with its chat template, against `data.max_length`: how
 * many the trainer would cut short. Counted by the trainer's own tokenizer code, so the figure is the one
 * training will meet.
 */
export async function measureTokenLengths({ spec, splits }: TokenLengthsInput): Promise<TokenLengths> {
  const ctx = Context.current();
  const workDir = activityWorkDir('token-lengths');
  const store = openArtifactStore();
  try {
    const files: string[] = [];
    for (const [i, ref] of splits.entries()) {
      if (ref.size === 0) continue;
      const file = path.join(workDir, `split-${i}.jsonl`);
      await store.getFile(ref, file);
      files.push(file);
    }
    if (files.length === 0) return { records: 0, maxLength: spec.data.max_length, truncated: 0, mean: 0, p50: 0, p95: 0, max: 0 };
    let progress: { done: number } | undefined;
    const done = await withPeriodicHeartbeat(
      () => progress,
      () =>
        runTrainer({
          command: 'token-stats',
          workDir,
          signal: ctx.cancellationSignal,
          config: { ...baseModelConfig(spec), files, max_length: spec.data.max_length, seed: spec.data.split.seed },
          onEvent: (event) => {
            if (event.event === 'progress') progress = { done: Number(event.done) };
          },
        }),
    );
    return {
      records: Number(done.records),
      maxLength: spec.data.max_length,
      truncated: Number(done.truncated),
      mean: Math.round(Number(done.mean) * 10) / 10,
      p50: Number(done.p50),
      p95: Number(done.p95),
      max: Number(done.max),
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
