import { setTimeout as delay } from 'node:timers/promises';
import { openArtifactStore, type ArtifactStore } from '../../artifacts/store';
import type {
  ApprovalRecord,
  ArtifactRef,
  EvaluationResult,
  GateResult,
  ModelVersion,
  PipelineSpec,
  PreparedData,
  TrainingResult,
  ExportResult,
} from '../../pipeline/types';
import { codeVersion } from './code-version';

export interface RegisterInput {
  spec: PipelineSpec;
  specHash: string;
  data: PreparedData;
  training: TrainingResult;
  /** The deployable forms exported from the model; absent for runs from before exports. */
  exports?: ExportResult | null;
  evaluation: EvaluationResult;
  baseline: EvaluationResult;
  gate: GateResult;
  approval: ApprovalRecord;
}

interface RegistryIndex {
  name: string;
  versions: { version: number; stage: ModelVersion['stage']; model: ArtifactRef; entry: ArtifactRef; registeredAt: string }[];
}

/** Each lost race means another registration got in, so this many lets that many register at once. */
const MAX_ATTEMPTS = 10;
/** Upper bound of the random wait before the n-th retry is min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2^n). */
const BASE_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 1_000;

/** Registrations of one pipeline kept colliding on its index; a later retry of the activity may get in. */
export class RegistryContentionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryContentionError';
  }
}

/**
 * Adds an approved model to the registry as the production version, with its lineage: data, spec,
 * training, evaluation, gate evidence and approval. Registering the same model twice returns the
 * existing version, so a retried activity never creates a second one. Concurrent registrations
 * each get their own version: the index is replaced only if nobody changed it since it was read,
 * and otherwise read again.
 */
export async function registerModel(input: RegisterInput, store: ArtifactStore = openArtifactStore()): Promise<ModelVersion> {
  const name = input.spec.name;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { index, indexVersion } = await readIndexVersioned(store, name);
    const existing = index.versions.find((v) => v.model.sha256 === input.training.model.sha256);
    if (existing) return { name, version: existing.version, stage: existing.stage, model: existing.model, entry: existing.entry };

    const version = Math.max(0, ...index.versions.map((v) => v.version)) + 1;
    const entry = await store.putJson(entryDocument(input, version));
    for (const v of index.versions) if (v.stage === 'production') v.stage = 'archived';
    index.versions.push({ version, stage: 'production', model: input.training.model, entry, registeredAt: new Date().toISOString() });
    if (await store.writeNamedIf(indexName(name), JSON.stringify(index, null, 2), indexVersion)) {
      return { name, version, stage: 'production', model: input.training.model, entry };
    }
    // Another registration got in first: its version number is taken, so start over from its index.
    await delay(Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt));
  }
  throw new RegistryContentionError(
    `Registering model ${input.training.model.sha256} of pipeline ${name}: ${indexName(name)} in ${store.root} ` +
      `changed under each of ${MAX_ATTEMPTS} attempts, as other registrations of this pipeline got in first; retry later`,
  );
}

export async function readIndex(store: ArtifactStore, name: string): Promise<RegistryIndex> {
  return (await readIndexVersioned(store, name)).index;
}

/** The index and the version a conditional write must name; version null while there is no index yet. */
async function readIndexVersioned(store: ArtifactStore, name: string): Promise<{ index: RegistryIndex; indexVersion: string | null }> {
  const doc = await store.readNamedVersioned(indexName(name));
  if (!doc) return { index: { name, versions: [] }, indexVersion: null };
  try {
    return { index: JSON.parse(doc.data.toString('utf8')) as RegistryIndex, indexVersion: doc.version };
  } catch (err) {
    throw new Error(`Registry index ${indexName(name)} in ${store.root} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The immutable record of one version; it names its version number, so each attempt builds its own. */
function entryDocument(input: RegisterInput, version: number): unknown {
  return {
    kind: 'tempered.model-version/v1',
    name: input.spec.name,
    version,
    model: input.training.model,
    exports: input.exports ?? null,
    baseModel: { id: input.spec.experiment.base_model, ggufFile: input.spec.experiment.gguf_file ?? null },
    lineage: {
      specHash: input.specHash,
      spec: input.spec,
      codeVersion: codeVersion(),
      data: { train: input.data.train, validation: input.data.validation, test: input.data.test, report: input.data.report, audit: input.data.audit, counts: input.data.counts, scores: input.data.scores },
      training: { method: input.spec.training.method, steps: input.training.steps, trainLoss: input.training.trainLoss, bestEvalLoss: input.training.bestEvalLoss },
      evaluation: { fineTuned: input.evaluation.report, baseline: input.baseline.report, metrics: input.evaluation.metrics },
      gate: input.gate,
      approval: input.approval,
    },
  };
}

function indexName(name: string): string {
  return `registry/${name}/index.json`;
}
