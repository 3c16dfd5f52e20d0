import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openArtifactStore } from '../../artifacts/store';
import type { ArtifactRef } from '../../artifacts/artifact-store';
import { canonicalJson } from '../../canonical-json';
import { trainerDir } from '../../config/paths';
import { ONNX_RUNTIMES, type OnnxRuntimeName } from '../../pipeline/runtimes';
import type { PipelineSpec } from '../../pipeline/types';
import { baseModelConfig } from '../trainer/model-source';
import { withPeriodicHeartbeat } from '../trainer/periodic-heartbeat';
import { activityWorkDir } from '../trainer/work-dir';
import { runExport, type ExportProgress, type TrainerPart } from './export-model';

export interface BaseModelExport {
  /** The ONNX folder evaluation loads for the base model (the kind of graph `evaluation.runtime` names). */
  graph: ArtifactRef;
  runtime: OnnxRuntimeName;
  /** Whether an earlier export of the same base model was reused. */
  cached: boolean;
}

/** Trainer files whose change changes what an export of the same base model contains. */
const EXPORT_CODE = ['requirements.txt', 'requirements-models.txt', 'requirements-genai.txt', 'tempered_trainer/export.py', 'tempered_trainer/models.py', 'tempered_trainer/tiny.py'];

/**
 * The base model as an ONNX graph, so the baseline is measured on the same runtime as the fine-tuned model.
 * Every pipeline on the same base model needs the same export, so it is made once and found again by a key of
 * what determines its bytes: the base model as this worker resolves it (a model folder by its files' sizes and
 * times), the seed of a tiny model, the graph asked for, and the trainer's pinned packages and export code.
 */
export async function exportBaseModel({ spec }: { spec: PipelineSpec }): Promise<BaseModelExport> {
  const runtime = spec.evaluation.runtime === 'pytorch' ? 'onnx' : spec.evaluation.runtime;
  const part: TrainerPart = ONNX_RUNTIMES[runtime].part;
  const model = baseModelConfig(spec);
  const key = crypto
    .createHash('sha256')
    .update(
      canonicalJson({
        ...model,
        folder: folderFingerprint(model.base_model),
        seed: model.base_model.startsWith('tiny:') ? spec.data.split.seed : null,
        part,
        code: exportCodeHash(),
      }),
    )
    .digest('hex');
  const name = `exports/base-models/${key}.json`;
  const store = openArtifactStore();
  const known = await store.readNamed(name);
  if (known) {
    const graph = JSON.parse(known.toString('utf8')) as ArtifactRef;
    if (await store.exists(graph)) return { graph, runtime, cached: true };
  }

  const workDir = activityWorkDir('export-base');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const progress: ExportProgress = { phase: 'loading base model' };
  try {
    const graph = await withPeriodicHeartbeat(
      () => ({ ...progress }),
      async () => {
        const { written } = await runExport(spec, { workDir, modelDir: null, method: 'base', parts: [part], progress });
        progress.phase = 'uploading';
        return store.putDirectory(written[part]!.path);
      },
    );
    await store.writeNamed(name, JSON.stringify(graph));
    return { graph, runtime, cached: false };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

let codeHash: string | undefined;

function exportCodeHash(): string {
  if (codeHash) return codeHash;
  const hash = crypto.createHash('sha256');
  for (const file of EXPORT_CODE) {
    const full = path.join(trainerDir, file);
    hash.update(`${file}\0`).update(fs.existsSync(full) ? fs.readFileSync(full) : '');
  }
  return (codeHash = hash.digest('hex'));
}

/** A model folder's files with their sizes and modification times; null for ids that are not folders. */
function folderFingerprint(baseModel: string): [string, number, number][] | null {
  if (!path.isAbsolute(baseModel) || !fs.existsSync(baseModel) || !fs.statSync(baseModel).isDirectory()) return null;
  return fs
    .readdirSync(baseModel, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const full = path.join(entry.parentPath, entry.name);
      const stat = fs.statSync(full);
      return [path.relative(baseModel, full), stat.size, stat.mtimeMs] as [string, number, number];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
