/**
 * A run report's content, gathered from the run's status or result and the artifacts they reference, ready to
 * render. Every section is null when the run did not produce it; the renderer says why from the phases.
 */

import type { AuditLine } from '../activities/data/output/audit';
import type { ContaminationReport } from '../activities/data/output/contamination';
import type { QualityCheck } from '../activities/data/quality';
import type { DataReport } from '../activities/data/report';
import type { ReadinessCheck } from '../evaluation/readiness/types';
import type {
  AbTestState,
  ApprovalRecord,
  ArmsTable,
  ArtifactRef,
  ForgettingResult,
  GateCheck,
  OutOfDomainResult,
  PhaseStatus,
  PipelineOutcome,
  PipelineResult,
  PipelineStatus,
  Plan,
  PreparedData,
  VariantsTable,
} from '../pipeline/types';
import type { RunningAbTest, StageChange } from '../registry/model-registry';
import type { LossCurve } from './loss-curve';
import type { RunFacts } from './run-facts';

export interface RunReport {
  generatedAt: string;
  run: RunSection;
  plan: PlanSection | null;
  data: DataSection | null;
  training: TrainingSection | null;
  evaluation: EvaluationSection | null;
  readiness: ReadinessSection | null;
  gate: GateSection | null;
  abTest: AbTestSection | null;
  lineage: LineageSection | null;
  /** Artifacts that could not be read, and why: the report says so rather than failing. */
  problems: string[];
}

export interface RunSection {
  workflowId: string;
  runId: string | null;
  pipeline: string;
  /** The workflow's state as Temporal names it: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT. */
  state: string;
  outcome: PipelineOutcome | null;
  /** Why a failed run failed: its innermost failure's message. */
  failure: string | null;
  phases: PhaseStatus[];
  /** False when the phases were inferred from a result alone (no status query answered): their times are unknown. */
  phasesFromStatus: boolean;
  warnings: string[];
  monitoringWorkflowId: string | null;
}

export interface PlanSection {
  plan: Plan;
  requirements: RunFacts['requirements'];
  specHash: string | null;
  baseModel: RunFacts['baseModel'];
}

export interface DataSection {
  counts: PreparedData['counts'];
  scores: PreparedData['scores'] | null;
  cached: boolean | null;
  /** From the stored data report; null when it could not be read. */
  checks: QualityCheck[] | null;
  categories: Record<string, number> | null;
  pii: Record<string, number> | null;
  sources: DataReport['sources'] | null;
  /** Audit lines by reason, and the first few of each (file, line, reason: never a PII value). */
  audit: { counts: Record<string, number>; samples: AuditLine[] } | null;
  contamination: ContaminationReport | null;
}

export interface LiveTraining {
  step: number | null;
  totalSteps: number | null;
  loss: number | null;
  evalLoss: number | null;
  phase: string | null;
}

export interface TrainingSection {
  /** Null while training runs. */
  result: (PipelineResult['training'] & { runtimeS?: number }) | null;
  curve: LossCurve | null;
  estimate: PipelineStatus['estimate'];
  sweep: PipelineStatus['sweep'];
  forgetting: ForgettingResult | null;
  /** What the running training activity last heartbeated. */
  live: LiveTraining | null;
}

export type ArmRow = Omit<ArmsTable['rows'][number], 'report'>;

export interface SampleAnswer {
  id: string;
  category: string | null;
  reference: string;
  prediction: string;
  tokenF1: number | null;
  accurate: boolean | null;
}

export interface EvaluationSection {
  runtime: string | null;
  arms: ArmRow[];
  outOfDomain: OutOfDomainResult | null;
  /** The fine-tuned model's other exported graphs against the evaluated one; null when not compared. */
  variants: VariantsTable | null;
  /** The fine-tuned model's first answers next to the references. */
  samples: SampleAnswer[];
}

export interface ReadinessSection {
  passed: boolean;
  checks: ReadinessCheck[];
}

export interface GateSection {
  /** Null while no gate was applied. */
  passed: boolean | null;
  checks: GateCheck[];
  evidence: ArtifactRef | null;
  approval: ApprovalRecord | null;
  awaitingApproval: PipelineStatus['awaitingApproval'];
}

export interface AbTestSection {
  workflowId: string;
  treatment: number | null;
  /** The registry's running test, while it runs. */
  running: RunningAbTest | null;
  /** The stage changes the test made to the candidate (promotion, rollback). */
  decisions: StageChange[];
  /** The test workflow's own state, when it could be read. */
  state: AbTestState | null;
}

export interface LineageSection {
  /** Where the lineage comes from: the registry entry of the registered version, or the export's lineage document. */
  source: 'registry' | 'export';
  document: ArtifactRef;
  version: { name: string; version: number; stage: string; registeredAt: string | null; history: StageChange[] } | null;
  specHash: string | null;
  codeVersion: string | null;
  baseModel: { id: string; ggufFile: string | null } | null;
  model: ArtifactRef | null;
  /** Data manifests: the splits, the data report and the audit. */
  datasets: { name: string; ref: ArtifactRef }[];
  exports: { name: string; ref: ArtifactRef }[];
  trainerPackages: Record<string, string | null> | null;
}
