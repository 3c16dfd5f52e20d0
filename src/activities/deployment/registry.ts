import { openArtifactStore, type ArtifactStore } from '../../artifacts/store';
import type {
  ApprovalRecord,
  EvaluationResult,
  GateResult,
  ModelVersion,
  PipelineSpec,
  PreparedData,
  TrainingResult,
  ExportResult,
} from '../../pipeline/types';
import {
  addVersionIn,
  nextVersion,
  productionVersion,
  promoteIn,
  readIndex,
  RegistryContentionError,
  startAbTestIn,
  updateIndex,
  type RunningAbTest,
} from '../../registry/model-registry';
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

export type Rollout = 'production' | 'ab-test';

/** A registered version and, when it went to an A/B test, the test it is in. */
export interface Registration extends ModelVersion {
  abTest?: RunningAbTest;
  /** The A/B test of another version that was still running: this one stays a candidate until an operator acts. */
  waitingFor?: RunningAbTest;
}

/**
 * Adds an approved model to the registry with its lineage: data, spec, training, evaluation, gate evidence and
 * approval. With rollout `production` it is promoted at once (the approval was the decision), archiving the version it
 * replaces; with `ab-test` it goes to staging, in an A/B test against production, unless there is no production
 * version yet to test it against (then it is promoted), or another version's test is still running (then it stays a
 * candidate). Registering the same model twice returns the existing version, so a retried
 * activity never creates a second one; concurrent registrations each get their own version.
 */
export async function registerModel(input: RegisterInput & { rollout?: Rollout }, store: ArtifactStore = openArtifactStore()): Promise<Registration> {
  const name = input.spec.name;
  const rollout = input.rollout ?? 'production';
  return updateIndex(store, name, async (index): Promise<Registration> => {
    const existing = index.versions.find((v) => v.model.sha256 === input.training.model.sha256);
    if (existing) {
      const abTest = index.abTest?.treatment === existing.version ? index.abTest : undefined;
      return { name, version: existing.version, stage: existing.stage, model: existing.model, entry: existing.entry, ...(abTest ? { abTest } : {}) };
    }
    const version = nextVersion(index);
    const entry = await store.putJson(entryDocument(input, version, productionVersion(index)?.version ?? null));
    const actor = { by: 'pipeline', reason: `approved by ${input.approval.by}` };
    const added = addVersionIn(index, input.training.model, entry, version, { ...actor, reason: 'registered' });
    if (rollout === 'ab-test' && productionVersion(index)) {
      // A retraining that ends while another candidate is being tested neither disturbs that test nor is thrown
      // away: it is kept as a candidate, for an operator to test or promote once the running test has ended.
      if (index.abTest && index.abTest.treatment !== version) return { name, version, stage: added.stage, model: added.model, entry, waitingFor: index.abTest };
      const abTest = startAbTestIn(index, version, input.spec.deployment.ab_test, { by: 'pipeline', reason: 'A/B test against production' });
      return { name, version, stage: added.stage, model: added.model, entry, abTest };
    }
    promoteIn(index, version, actor);
    return { name, version, stage: added.stage, model: added.model, entry };
  }).catch((err: unknown) => {
    if (err instanceof RegistryContentionError) {
      throw new RegistryContentionError(`Registering model ${input.training.model.sha256} of pipeline ${name}: ${err.message}`);
    }
    throw err;
  });
}

export { readIndex, RegistryContentionError };

/**
 * The immutable record of one version; it names its version number, so each attempt builds its own. `replaces` is
 * the production version when it was registered: the one a retraining was meant to improve on.
 */
function entryDocument(input: RegisterInput, version: number, replaces: number | null): unknown {
  return {
    kind: 'tempered.model-version/v1',
    name: input.spec.name,
    version,
    model: input.training.model,
    exports: input.exports ?? null,
    baseModel: { id: input.spec.experiment.base_model, ggufFile: input.spec.experiment.gguf_file ?? null },
    lineage: {
      replaces,
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

