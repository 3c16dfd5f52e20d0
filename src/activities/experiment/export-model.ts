import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { openArtifactStore } from '../../artifacts/store';
import { projectRoot } from '../../config/paths';
import { fail } from '../../failures';
import type { ArtifactRef, ExportResult, PipelineSpec, PreparedData, TrainingResult } from '../../pipeline/types';
import { exportSchema } from '../../spec/schema';
import { codeVersion } from '../deployment/code-version';
import { baseModelConfig } from '../trainer/model-source';
import { withPeriodicHeartbeat } from '../trainer/periodic-heartbeat';
import { runTrainer, type TrainerEvent } from '../trainer/trainer-process';
import { activityWorkDir } from '../trainer/work-dir';
import { heartbeatTimeoutMs } from './trainer-config';

export interface ExportInput {
  spec: PipelineSpec;
  /** sha256 of the validated spec (ResolvedPipeline.specHash). */
  specHash: string;
  /** The splits the model was trained and is evaluated on; the lineage records their refs and content hashes. */
  data: Pick<PreparedData, 'train' | 'validation' | 'test'>;
  training: TrainingResult;
}

/** The trainer's names for the parts, and the folders it writes them to under its output directory. */
const PARTS = [
  { key: 'merged', trainer: 'merged', folder: 'merged' },
  { key: 'onnx', trainer: 'onnx', folder: 'onnx' },
  { key: 'onnxQuantized', trainer: 'onnx_quantized', folder: 'onnx-quantized' },
  { key: 'onnxGenai', trainer: 'onnx_genai', folder: 'onnx-genai' },
] as const;

/** Greedy tokens each exported graph must generate before it is published. */
const CHECK_NEW_TOKENS = 8;
/** As for training: liveness events come this many times per heartbeat timeout, so one late event is no timeout. */
const LIVENESS_PER_HEARTBEAT_TIMEOUT = 4;

type PartRecord = { ref: ArtifactRef; bytes: number | null } | null;

/** The lineage document of an export, as stored (JSON). */
export interface ExportLineage {
  kind: 'tempered.export-lineage/v1';
  createdAt: string;
  pipeline: string;
  baseModel: { id: string; ggufFile: string | null };
  method: PipelineSpec['training']['method'];
  specHash: string;
  spec: PipelineSpec;
  /** The splits' refs: sha256 is the hash of each file's content. */
  datasets: Record<'train' | 'validation' | 'test', { uri: string; sha256: string; size: number }>;
  training: Pick<TrainingResult, 'model' | 'steps' | 'bestStep' | 'bestEvalLoss' | 'trainLoss' | 'finalLoss'> & {
    /** The trainer's tempered_training.json: the complete train config it ran with, and its final metrics. */
    trainerRecord: { config?: Record<string, unknown>; metrics?: Record<string, unknown> } | null;
  };
  code: { package: string; version: string; commit: string | null };
  /** torch, transformers, peft, optimum, optimum-onnx, onnx, onnxruntime, as the trainer found them. */
  trainerPackages: Record<string, string | null> | null;
  parts: {
    adapter: ArtifactRef | null;
    merged: PartRecord;
    onnx: PartRecord;
    onnxQuantized: (PartRecord & { quantization?: unknown }) | null;
    onnxGenai: (PartRecord & { builder?: unknown }) | null;
  };
  /** The trainer's own checks: logit differences, and the greedy tokens of each graph. */
  checks: unknown;
  timingsS: Record<string, number> | null;
}

export interface ExportProgress {
  phase: string;
}

/**
 * Exports the trained model on the gpu queue: the merged model, an ONNX graph with KV cache and its 4-bit
 * variant, as the spec's `export` section asks, each uploaded as its own directory artifact, plus a lineage
 * document. Nothing is uploaded before the trainer has written and checked every part, and every attempt starts
 * in an empty work directory; the store is content addressed, so a retry that uploads the same bytes stores
 * nothing twice.
 */
export async function exportModel({ spec, specHash, data, training }: ExportInput): Promise<ExportResult> {
  const wanted = exportSchema.safeParse(spec.export);
  if (!wanted.success) {
    const issue = wanted.error.issues[0]!;
    throw fail('InvalidPipelineSpec', `${['export', ...issue.path].join('.')}: ${issue.message}`);
  }
  const parts = PARTS.filter((p) => wanted.data[p.trainer]);
  const store = openArtifactStore();
  const workDir = activityWorkDir('export');
  // A previous attempt's files on this host may be half written: start afresh.
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });

  const progress: ExportProgress = { phase: 'downloading model' };
  const result = await withPeriodicHeartbeat(
    () => ({ ...progress }),
    async () => {
      const modelDir = path.join(workDir, 'model');
      await store.getDirectory(training.model, modelDir);
      const { done, written } = await runExport(spec, { workDir, modelDir, method: spec.training.method, parts: parts.map((p) => p.trainer), progress });

      progress.phase = 'uploading';
      const refs: Omit<ExportResult, 'lineage' | 'adapter'> = { merged: null, onnx: null, onnxQuantized: null, onnxGenai: null };
      for (const part of parts) refs[part.key] = await store.putDirectory(written[part.trainer]!.path);
      const adapter = spec.training.method === 'full' ? null : training.model;
      const lineage = await store.putJson(lineageDocument({ spec, specHash, data, training }, modelDir, done, { adapter, ...refs }, written));
      return { adapter, ...refs, lineage };
    },
  );
  fs.rmSync(workDir, { recursive: true, force: true });
  return result;
}

export type TrainerPart = (typeof PARTS)[number]['trainer'];

/**
 * Runs the trainer's export command in `workDir` (method `base` exports the base model itself, without
 * `modelDir`) and returns its done event and the folder of every part asked for.
 */
export async function runExport(
  spec: PipelineSpec,
  run: { workDir: string; modelDir: string | null; method: PipelineSpec['training']['method'] | 'base'; parts: TrainerPart[]; progress: ExportProgress },
): Promise<{ done: TrainerEvent | null; written: Record<string, { path: string; bytes: number }> }> {
  if (run.parts.length === 0) return { done: null, written: {} };
  const ctx = Context.current();
  const done = await runTrainer({
    command: 'export',
    workDir: run.workDir,
    signal: ctx.cancellationSignal,
    // Nothing of an export is worth saving on cancellation: the trainer stops at once.
    graceMs: 10_000,
    stallTimeoutMs: heartbeatTimeoutMs(spec),
    config: {
      ...baseModelConfig(spec),
      model_dir: run.modelDir,
      method: run.method,
      parts: run.parts,
      output_dir: path.join(run.workDir, 'export'),
      seed: spec.data.split.seed,
      check_new_tokens: CHECK_NEW_TOKENS,
      liveness_interval_s: heartbeatTimeoutMs(spec) / 1000 / LIVENESS_PER_HEARTBEAT_TIMEOUT,
      stall_timeout_s: msToNumber(spec.training.stall_timeout as Duration) / 1000,
    },
    onEvent: (event) => {
      const phase = event.event === 'progress' || event.event === 'alive' ? event.phase : undefined;
      if (typeof phase === 'string') run.progress.phase = phase;
      ctx.heartbeat({ ...run.progress });
    },
  });
  const written = (done.parts ?? {}) as Record<string, { path: string; bytes: number }>;
  for (const part of run.parts) {
    if (!written[part]?.path) throw fail('TrainerFailed', `trainer export reported no folder for part ${part}`);
  }
  return { done, written };
}

/** Everything needed to tell where an export came from and to reproduce it. */
function lineageDocument(
  input: ExportInput,
  modelDir: string,
  done: TrainerEvent | null,
  refs: Omit<ExportResult, 'lineage'>,
  written: Record<string, { bytes: number }>,
): ExportLineage {
  const { spec, specHash, data, training } = input;
  const dataset = (ref: ArtifactRef) => ({ uri: ref.uri, sha256: ref.sha256, size: ref.size });
  return {
    kind: 'tempered.export-lineage/v1',
    createdAt: new Date().toISOString(),
    pipeline: spec.name,
    baseModel: { id: spec.experiment.base_model, ggufFile: spec.experiment.gguf_file ?? null },
    method: spec.training.method,
    specHash,
    spec,
    datasets: { train: dataset(data.train), validation: dataset(data.validation), test: dataset(data.test) },
    training: {
      model: training.model,
      steps: training.steps,
      bestStep: training.bestStep,
      bestEvalLoss: training.bestEvalLoss,
      trainLoss: training.trainLoss,
      finalLoss: training.finalLoss,
      // The trainer's own record: the complete train config it ran with and its final metrics.
      trainerRecord: readJsonIfPresent(path.join(modelDir, 'tempered_training.json')) as ExportLineage['training']['trainerRecord'],
    },
    code: codeIdentity(),
    trainerPackages: (done?.versions as ExportLineage['trainerPackages']) ?? null,
    parts: {
      adapter: refs.adapter,
      merged: refs.merged && { ref: refs.merged, bytes: written.merged?.bytes ?? null },
      onnx: refs.onnx && { ref: refs.onnx, bytes: written.onnx?.bytes ?? null },
      onnxQuantized: refs.onnxQuantized && { ref: refs.onnxQuantized, bytes: written.onnx_quantized?.bytes ?? null, quantization: done?.quantization },
      onnxGenai: refs.onnxGenai ? { ref: refs.onnxGenai, bytes: written.onnx_genai?.bytes ?? null, builder: done?.genai_builder } : null,
    },
    checks: done?.checks ?? null,
    timingsS: (done?.timings_s as ExportLineage['timingsS']) ?? null,
  };
}

let packageIdentity: { name: string; version: string } | undefined;

/** The worker's package version and, where its checkout is a git repository, the commit (never an error). */
function codeIdentity(): { package: string; version: string; commit: string | null } {
  packageIdentity ??= readJsonIfPresent(path.join(projectRoot, 'package.json')) as { name: string; version: string };
  const commit = codeVersion();
  return { package: packageIdentity?.name ?? 'tempered', version: packageIdentity?.version ?? 'unknown', commit: commit === 'unknown' ? null : commit };
}

function readJsonIfPresent(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return null;
  }
}
