import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerModel, type Registration, type Rollout } from '../../src/activities/deployment/registry';
import type { ArtifactStore } from '../../src/artifacts/store';
import type { PipelineSpec } from '../../src/pipeline/types';
import { exportTinyModel } from '../inference/tiny-export';
import { approvedRun, withModel } from './registrations';

let tinyExport: Promise<string> | null = null;

/** The tiny model trained a few steps and exported (merged, onnx, onnx-quantized), once per test process. */
export function sharedTinyExport(): Promise<string> {
  tinyExport ??= exportTinyModel(fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-served-')));
  return tinyExport;
}

/**
 * Registers a version of `pipeline` whose export is the tiny model's ONNX folder, as a pipeline run would (each
 * version its own adapter bytes, so its own version), with spec changes `patch` applied to the demo spec.
 */
export async function registerTinyVersion(
  store: ArtifactStore,
  pipeline: string,
  label: string,
  { rollout = 'production', patch = (spec) => spec }: { rollout?: Rollout; patch?: (spec: PipelineSpec) => PipelineSpec } = {},
): Promise<Registration> {
  const exportDir = await sharedTinyExport();
  const run = await withModel(await approvedRun(store), store, `${pipeline} ${label}`);
  const onnx = await store.putDirectory(path.join(exportDir, 'onnx'));
  const spec = patch({ ...run.spec, name: pipeline });
  const exports = { adapter: run.training.model, merged: null, onnx, onnxQuantized: null, onnxGenai: null, lineage: run.training.model };
  return registerModel({ ...run, spec, exports, rollout }, store);
}
