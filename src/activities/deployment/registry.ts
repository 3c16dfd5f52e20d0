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
} from '../../pipeline/types';
import { codeVersion } from './code-version';

export interface RegisterInput {
  spec: PipelineSpec;
  specHash: string;
  data: PreparedData;
  training: TrainingResult;
  evaluation: EvaluationResult;
  baseline: EvaluationResult;
  gate: GateResult;
  approval: ApprovalRecord;
}

interface RegistryIndex {
  name: string;
  versions: { version: number; stage: ModelVersion['stage']; model: ArtifactRef; entry: ArtifactRef; registeredAt: string }[];
}

/**
 * Adds an approved model to the registry as the production version, with its lineage: data, spec,
 * training, evaluation, gate evidence and approval. Registering the same model twice returns the
 * existing version, so a retried activity never creates a second one.
 */
export async function registerModel(input: RegisterInput, store: ArtifactStore = openArtifactStore()): Promise<ModelVersion> {
  const name = input.spec.name;
  const index = await readIndex(store, name);
  const existing = index.versions.find((v) => v.model.sha256 === input.training.model.sha256);
  if (existing) return { name, version: existing.version, stage: existing.stage, model: existing.model, entry: existing.entry };

  const version = Math.max(0, ...index.versions.map((v) => v.version)) + 1;
  const entry = await store.putJson({
    kind: 'tempered.model-version/v1',
    name,
    version,
    model: input.training.model,
    baseModel: { id: input.spec.experiment.base_model, ggufFile: input.spec.experiment.gguf_file ?? null },
    lineage: {
      specHash: input.specHash,
      spec: input.spec,
      codeVersion: codeVersion(),
      data: { train: input.data.train, validation: input.data.validation, test: input.data.test, report: input.data.report, counts: input.data.counts },
      training: { method: input.spec.training.method, steps: input.training.steps, trainLoss: input.training.trainLoss, bestEvalLoss: input.training.bestEvalLoss },
      evaluation: { fineTuned: input.evaluation.report, baseline: input.baseline.report, metrics: input.evaluation.metrics },
      gate: input.gate,
      approval: input.approval,
    },
  });
  for (const v of index.versions) if (v.stage === 'production') v.stage = 'archived';
  index.versions.push({ version, stage: 'production', model: input.training.model, entry, registeredAt: new Date().toISOString() });
  await store.writeNamed(indexName(name), JSON.stringify(index, null, 2));
  return { name, version, stage: 'production', model: input.training.model, entry };
}

export async function readIndex(store: ArtifactStore, name: string): Promise<RegistryIndex> {
  const raw = await store.readNamed(indexName(name));
  return raw ? (JSON.parse(raw.toString('utf8')) as RegistryIndex) : { name, versions: [] };
}

function indexName(name: string): string {
  return `registry/${name}/index.json`;
}
