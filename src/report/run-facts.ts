/**
 * What a pipeline run keeps for its report, phase by phase: small results and references into the artifact store,
 * never the data. Kept in the status query, so a running or failed run can be reported as far as it got.
 * Workflow code imports this file: plain objects and types only, no I/O.
 */

import type {
  ApprovalRecord,
  ArtifactRef,
  EvaluationResult,
  ExportResult,
  GateResult,
  ModelVersion,
  PipelineSpec,
  Plan,
  PreparedData,
  ResolvedPipeline,
  TrainingResult,
} from '../pipeline/types';

export interface RunFacts {
  /** sha256 of the validated spec. */
  specHash: string | null;
  /** What the project is for, and the spec's answers to the decision chart's questions. */
  requirements: Pick<PipelineSpec['requirements'], 'business_objective' | 'target_users' | 'approach'> | null;
  baseModel: { id: string; ggufFile: string | null; method: PipelineSpec['training']['method'] } | null;
  plan: Plan | null;
  data: PreparedData | null;
  baseline: EvaluationResult | null;
  training: TrainingResult | null;
  exports: ExportResult | null;
  fineTuned: EvaluationResult | null;
  gate: GateResult | null;
  approval: ApprovalRecord | null;
  modelVersion: ModelVersion | null;
  abTestWorkflowId: string | null;
}

/** The report stored at the end of a run, or why it could not be made. */
export interface StoredRunReport {
  artifact: ArtifactRef | null;
  error: string | null;
}

export function emptyRunFacts(): RunFacts {
  return {
    specHash: null,
    requirements: null,
    baseModel: null,
    plan: null,
    data: null,
    baseline: null,
    training: null,
    exports: null,
    fineTuned: null,
    gate: null,
    approval: null,
    modelVersion: null,
    abTestWorkflowId: null,
  };
}

/** The facts planning settles: which configuration runs, what it is for, and the plan made from it. */
export function plannedFacts(pipeline: ResolvedPipeline, plan: Plan): Partial<RunFacts> {
  const { requirements, experiment, training } = pipeline.spec;
  return {
    specHash: pipeline.specHash,
    requirements: { business_objective: requirements.business_objective, target_users: requirements.target_users, approach: requirements.approach },
    baseModel: { id: experiment.base_model, ggufFile: experiment.gguf_file ?? null, method: training.method },
    plan,
  };
}
