import fs from 'node:fs';
import path from 'node:path';
import type { PipelineSpec } from '../../spec/schema';
import { writeGeneralRecords } from '../data/general-records';

/** The forgetting guard's records as the trainer reads them: canonical JSONL in the activity's work folder. */
export interface ForgettingFiles {
  replayFile: string | null;
  heldOutFile: string | null;
}

/**
 * Reads the spec's `training.forgetting` files on the gpu worker that trains, confined to this worker's roots
 * (see writeGeneralRecords), as canonical JSONL in `dir`.
 */
export async function prepareForgettingData(spec: PipelineSpec, dir: string): Promise<ForgettingFiles> {
  const { replay, held_out: heldOut } = spec.training.forgetting;
  if (!replay && !heldOut) return { replayFile: null, heldOutFile: null };
  fs.mkdirSync(dir, { recursive: true });
  const file = (key: 'replay' | 'held_out', configured: string | undefined) =>
    configured === undefined ? null : { specPath: `training.forgetting.${key}.path`, configured, out: path.join(dir, `${key}.jsonl`) };
  const files = [file('replay', replay?.path), file('held_out', heldOut?.path)];
  await writeGeneralRecords(spec, files.filter((f) => f !== null));
  return { replayFile: files[0]?.out ?? null, heldOutFile: files[1]?.out ?? null };
}
