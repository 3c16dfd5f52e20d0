/**
 * The shapes that cross the workflow boundary: workflow inputs, phase results, status.
 * Everything here travels in Temporal history, so it holds references and small numbers, never data.
 */

import type { DriftReport } from '../monitoring/input-drift';
import type { AbAnalysis, ArmTally } from '../rollout/sequential-test';
import type { EvaluationRuntime } from './runtimes';
import type { ArtifactRef } from '../artifacts/store';
import type { PipelineSpec } from '../spec/schema';
import type { RunFacts, StoredRunReport } from '../report/run-facts';
import type { TrialParams } from './sweep';

export type { ArtifactRef, PipelineSpec };

/**
 * The one argument of `fineTuningPipeline`, typed in by hand in the Web UI's start form. Whoever can start a
 * workflow controls it, so the workers trust none of it beyond what `resolvePipeline` lets through.
 */
export interface PipelineInput {
  /** A pipeline of the catalogue (`customer-support-demo`), or an inline spec object where the workers allow them. */
  pipeline: string | Record<string, unknown>;
  /** Run-time tunable fields only, as dotted keys (`{ "training.epochs": 1 }`) or a partial spec. */
  overrides?: Record<string, unknown>;
}

export interface TaskQueues {
  control: string;
  cpu: string;
  gpu: string;
}

export interface ResolvedPipeline {
  spec: PipelineSpec;
  /** Where the spec came from, for messages. */
  source: string;
  /** Relative data paths in the spec resolve against this directory. */
  baseDir: string;
  /** sha256 of the validated spec: two runs with the same hash ran the same configuration. */
  specHash: string;
  queues: TaskQueues;
}

export const PHASES = ['planning', 'data', 'experiment', 'evaluation', 'deployment', 'continuous-improvement'] as const;
export type PhaseName = (typeof PHASES)[number];

export type Approach = 'fine-tuning' | 'rag' | 'function-calling' | 'hybrid';

export interface Plan {
  approach: Approach;
  reasons: string[];
  warnings: string[];
  /** Parameters of the base model, from the spec or the model's name. */
  parameters: number | null;
  /** Rough GPU memory needed to train with the chosen method, in GB. */
  gpuMemoryGb: number | null;
  /** The guide's minimum dataset size for the chosen method. */
  minimumExamples: number;
  successMetrics: string[];
}

/** The training budget once the data is known; `null` figures could not be estimated, and `notes` say why. */
export interface TrainingEstimate {
  /** `cpu`, or `<gpus> x <gpu_type>` from technical_requirements.compute. */
  hardware: string;
  /** Training runs: 1, or the sweep's trials. */
  trials: number;
  /** Optimizer steps over all trials. */
  steps: number;
  /** Tokens the trainer will process, padding aside. */
  tokens: number;
  tokensPerS: number | null;
  /** Wall-clock training time; trials of a sweep that run side by side overlap. */
  seconds: number | null;
  costUsd: number | null;
  /** Where the throughput comes from, and what is missing for a figure that is null. */
  notes: string[];
}

/** The estimate next to what training took, once it is done. */
export interface EstimateComparison {
  estimatedS: number | null;
  actualS: number;
  /** actual / estimated: above 1, training took longer than planned. */
  ratio: number | null;
  estimatedSteps: number;
  actualSteps: number;
}

export interface PreparedData {
  train: ArtifactRef;
  validation: ArtifactRef;
  test: ArtifactRef;
  /** The data report (JSON): counts, scores, checks, categories, PII kinds, contamination, sources. */
  report: ArtifactRef;
  /** One JSONL line per row left out, redacted or flagged, with its file and line. */
  audit: ArtifactRef;
  counts: {
    collected: number;
    kept: number;
    /** Kept records whose PII was replaced by placeholders. */
    redacted: number;
    train: number;
    validation: number;
    test: number;
    /** Resolved production answers read from the serving log, when the spec includes them (before deduplication). */
    feedback?: number;
    dropped: {
      low_satisfaction: number;
      incomplete: number;
      duplicate: number;
      near_duplicate: number;
      superseded: number;
      skipped: number;
      /** Production feedback repeating a validation or test question; absent from runs from before feedback. */
      contaminated?: number;
    };
  };
  /** The quality measures, each in [0, 1]. */
  scores: {
    completeness: number;
    consistency: number;
    accuracy: number;
    duplicate_rate: number;
    distinct_2: number;
    category_balance: number;
    largest_cluster_share: number;
    contamination: number | null;
  };
  categories: Record<string, number>;
  /** Reused from an earlier run over the same content and settings. */
  cached: boolean;
}

/** Record lengths in the base model's tokens (chat template applied), against `data.max_length`. */
export interface TokenLengths {
  records: number;
  maxLength: number;
  /** Records longer than maxLength: the trainer cuts them short. */
  truncated: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

/** What one model scored on the test split. */
/** The approaches the guide compares: base model, base with retrieval, fine-tuned, fine-tuned with retrieval. */
export type EvaluationArm = 'base' | 'rag' | 'fine-tuned' | 'hybrid';

export interface EvaluationResult {
  model: 'base' | 'fine-tuned';
  /** Absent from results recorded before retrieval arms: those are `model` without retrieval. */
  arm?: EvaluationArm;
  /** What generated the answers (evaluation.runtime); absent from results recorded before the ONNX runtime: pytorch. */
  runtime?: EvaluationRuntime;
  samples: number;
  metrics: {
    /** Share of answers whose token F1 reaches the spec's bar. */
    accuracy: number;
    token_f1: number;
    /** Absent from results recorded before they were measured. */
    exact_match?: number;
    rouge_l?: number;
    chrf?: number;
    /** p95 seconds per answer. */
    response_time: number;
    /** Share of answers in the format evaluation.format requires; absent when it requires none. */
    format_validity?: number;
    consistency: number;
    loss: number;
    perplexity: number;
  };
  /** Each answer-based metric's 95% bootstrap interval over the test answers (none for the loss). */
  intervals?: Record<string, { lower: number; upper: number; level: number }>;
  predictions: ArtifactRef;
  report: ArtifactRef;
}

/** One model against another on the same answers, for one metric: the mean difference, its 95% interval and the paired test's p-value. */
export interface PairedChange {
  difference: number;
  lower: number;
  upper: number;
  pValue: number;
}

/** Both models on the spec's out-of-domain set: what fine-tuning cost outside its domain. */
export interface OutOfDomainResult {
  samples: number;
  base: { token_f1: number; loss: number };
  fineTuned: { token_f1: number; loss: number };
  /** Fine-tuned minus base token F1 on the same questions: its 95% interval and the paired test's p-value. */
  tokenF1Change: PairedChange;
  /** The drop as a share of the base model's token F1 (0.2: 20% lower; negative: it improved). */
  relativeDrop: number;
  /** The spec's limit, null when it sets none. */
  maxRelativeDrop: number | null;
  /** Stored as JSON (kind tempered.out-of-domain/v1), with both evaluation reports. */
  report: ArtifactRef;
}

/** Every evaluated approach side by side, each against the base model on the same answers. */
export interface ArmsTable {
  rows: {
    arm: EvaluationArm;
    samples: number;
    metrics: EvaluationResult['metrics'];
    intervals: EvaluationResult['intervals'] | null;
    /** Per metric: the mean difference to the base model, its 95% interval and the paired test's p-value. */
    vsBase: Record<string, PairedChange> | null;
    report: ArtifactRef;
  }[];
  /** The table as stored (JSON, kind tempered.evaluation-arms/v1). */
  report: ArtifactRef;
}

/** The fine-tuned model on its other exported graphs (4-bit, genai int4), each against the graph evaluation runs. */
export interface VariantsTable {
  /** The graph the evaluation (and the gate) ran on. */
  reference: EvaluationRuntime;
  rows: {
    runtime: EvaluationRuntime;
    /** Test examples both graphs answered. */
    samples: number;
    /** Of those, answered exactly as the reference graph did; `agreement` is the share. */
    sameAnswers: number;
    agreement: number;
    metrics: EvaluationResult['metrics'];
    intervals: EvaluationResult['intervals'] | null;
    /** Per metric: the mean difference to the reference graph, its 95% interval and the paired test's p-value. */
    vsReference: Record<string, PairedChange> | null;
    report: ArtifactRef;
  }[];
  /** The table as stored (JSON, kind tempered.evaluation-variants/v1). */
  report: ArtifactRef;
}

export interface TrainingResult {
  /** The adapter (LoRA) or full model directory, as a directory manifest. */
  model: ArtifactRef;
  steps: number;
  /** Mean training loss over every step, the resumed ones included. */
  trainLoss: number;
  /** Training loss of the last step. */
  finalLoss: number | null;
  bestEvalLoss: number | null;
  /** The step of the checkpoint the model comes from, when a validation split chose it. */
  bestStep: number | null;
  earlyStopped: boolean;
  resumedFromStep: number | null;
  runtimeS: number;
  /** The forgetting guard's measures when the spec configures `training.forgetting`, else null; absent in results recorded before it existed. */
  forgetting?: ForgettingResult | null;
  /** The training and validation loss by step (JSON, kind tempered.loss-curve/v1); absent in results recorded before it. */
  curve?: ArtifactRef | null;
}

export interface ForgettingResult {
  /** Mean loss per assistant token on the general held-out set: the base model's, and the delivered model's; null without one. */
  heldOutLossBefore: number | null;
  heldOutLossAfter: number | null;
  /** General-purpose examples mixed into training. */
  replayExamples: number;
}

/**
 * The deployable forms of a trained model, each its own directory artifact (a manifest ref), and the lineage
 * document that ties them to their base model, data, spec and code. A part the spec's `export` section left out
 * is null.
 */
export interface ExportResult {
  /** The LoRA adapter: the training result's own ref. Null for full fine-tuning, whose model is `merged`. */
  adapter: ArtifactRef | null;
  /** The adapter merged into its base: safetensors, tokenizer (chat template included), generation config. */
  merged: ArtifactRef | null;
  /** ONNX with KV cache (inputs input_ids, attention_mask, position_ids, past_key_values.<i>.key|value), plus the tokenizer files. */
  onnx: ArtifactRef | null;
  /** The same graph with 4-bit MatMulNBits weights, for CPU inference. */
  onnxQuantized: ArtifactRef | null;
  /**
   * The model builder's int4 graph (GroupQueryAttention + MatMulNBits; model.onnx with model.onnx.data, no
   * position_ids), with the tokenizer files; absent from results recorded before it, null when not asked for.
   */
  onnxGenai?: ArtifactRef | null;
  /** JSON (kind tempered.export-lineage/v1): base model, spec, dataset hashes, code and trainer versions, the parts. */
  lineage: ArtifactRef;
}

export interface GateCheck {
  metric: string;
  value: number;
  op: '>=' | '<=' | '>' | '<';
  threshold: number;
  passed: boolean;
  /** The value's 95% interval, when the evaluation measured one. */
  interval?: { lower: number; upper: number; level: number };
  /** What was held against the threshold: the value, or an end of its interval. */
  compared?: number;
  mode?: 'point' | 'interval' | 'significance' | 'readiness';
  /** Comparisons with the base model: the paired test's p-value and the level it had to beat. */
  pValue?: number;
  alpha?: number;
}

export interface GateResult {
  passed: boolean;
  checks: GateCheck[];
  evidence: ArtifactRef;
}

/** What an approver signs: one decision on one run's evidence, at one time. */
export interface ApprovalStatement {
  kind: 'tempered.approval/v1';
  workflowId: string;
  runId: string;
  decision: 'approve' | 'reject';
  /** sha256 of the gate evidence the approver was shown. */
  evidenceSha256: string;
  by: string;
  comment?: string;
  signedAt: string;
}

/** The argument of the approve and reject Updates: a statement and its Ed25519 signature (base64). */
export interface ApprovalDecisionInput {
  statement: ApprovalStatement;
  signature: string;
}

export interface ApprovalRecord {
  decision: 'approved' | 'rejected';
  by: string;
  comment?: string;
  mode: 'auto' | 'human' | 'timeout';
  at: string;
  evidence: ArtifactRef;
  /** For a person's decision: the signature that proved it, and which key made it. */
  signed?: { signedAt: string; signature: string; keyFingerprint: string };
}

/** candidate: registered, serving nothing; staging: in an A/B test; production: serving; archived: retired. */
export type ModelStage = 'candidate' | 'staging' | 'production' | 'archived';

export interface ModelVersion {
  name: string;
  version: number;
  stage: ModelStage;
  model: ArtifactRef;
  /** The registry entry itself, with lineage. */
  entry: ArtifactRef;
}

export type PipelineOutcome = 'deployed' | 'gate-failed' | 'rejected';

/** One trial of a sweep: its values, where it runs, and how it did. */
export interface SweepTrial {
  index: number;
  /** The trial's child workflow, deterministic for the pipeline run: `<pipeline workflow id>/trial-<index>`. */
  workflowId: string;
  params: TrialParams;
  state: 'pending' | 'running' | 'completed' | 'failed';
  steps: number | null;
  trainLoss: number | null;
  /** The validation loss the sweep ranks trials by. */
  bestEvalLoss: number | null;
  bestStep: number | null;
  earlyStopped: boolean | null;
  runtimeS: number | null;
  error: string | null;
}

export interface SweepResult {
  strategy: 'grid' | 'random';
  trials: SweepTrial[];
  /** Index of the trial with the lowest validation loss; its model goes on to evaluation. */
  bestTrial: number;
}

export interface PipelineResult {
  pipeline: string;
  outcome: PipelineOutcome;
  plan: Plan;
  data: PreparedData['counts'];
  baseline: EvaluationResult['metrics'];
  fineTuned: EvaluationResult['metrics'];
  /** What generated the evaluation's answers; absent from results recorded before the ONNX runtime. */
  evaluationRuntime?: NonNullable<EvaluationResult['runtime']>;
  /** 95% intervals of the answer-based metrics of both models; absent from results recorded before them. */
  intervals?: { baseline: EvaluationResult['intervals'] | null; fineTuned: EvaluationResult['intervals'] | null };
  training: Pick<TrainingResult, 'steps' | 'trainLoss' | 'finalLoss' | 'bestEvalLoss' | 'bestStep' | 'earlyStopped' | 'resumedFromStep' | 'curve'>;
  /** Every trial of the sweep, when the spec asked for one. */
  sweep: SweepResult | null;
  /** The deployable forms of the model (merged, ONNX, quantized ONNX) and their lineage; null when none was asked for. */
  exports: ExportResult | null;
  /** The evaluated approaches side by side, each against the base model; absent from results recorded before. */
  arms?: ArmsTable | null;
  /** What fine-tuning cost outside its domain, when the spec names an out-of-domain set. */
  outOfDomain?: OutOfDomainResult | null;
  /** The model's other exported graphs against the evaluated one; absent from results recorded before. */
  variants?: VariantsTable | null;
  /** The training estimate made before training, with the actual figures next to it. */
  estimate: (TrainingEstimate & { actual: EstimateComparison | null }) | null;
  gate: GateResult;
  approval: ApprovalRecord | null;
  modelVersion: ModelVersion | null;
  /** The A/B test of the new version against production, when the spec rolls out by one. */
  abTestWorkflowId?: string | null;
  monitoringWorkflowId: string | null;
  /** The run report (HTML) stored at the end of the run; absent from runs from before reports. */
  report?: StoredRunReport | null;
}

export type PhaseState = 'pending' | 'running' | 'completed' | 'failed' | 'skipped';

export interface PhaseStatus {
  name: PhaseName;
  state: PhaseState;
  startedAt?: string;
  finishedAt?: string;
  /** A few headline numbers or words, shown by `tempered status` and the summary. */
  summary: Record<string, string | number | boolean | null>;
}

export interface PipelineStatus {
  pipeline: string;
  phase: PhaseName | 'done' | 'failed';
  /** Phases completed out of six. */
  progress: { completed: number; total: number };
  phases: PhaseStatus[];
  metrics: Record<string, number>;
  warnings: string[];
  /** Set while the deployment waits for a person. */
  awaitingApproval: { evidence: ArtifactRef; approvers: string[]; deadline: string } | null;
  /** The training budget from the data phase, then compared with the actual run. */
  estimate: (TrainingEstimate & { actual: EstimateComparison | null }) | null;
  /** The evaluated approaches side by side (base, fine-tuned, and RAG and hybrid when asked for). */
  arms: ArmsTable | null;
  /** Both models on the out-of-domain set, when the spec names one; absent from runs from before it. */
  outOfDomain?: OutOfDomainResult | null;
  /** The fine-tuned model's other exported graphs against the evaluated one; absent from runs from before it. */
  variants?: VariantsTable | null;
  /** The sweep's trials as they run, when the spec asked for one. */
  sweep: { strategy: 'grid' | 'random'; trials: SweepTrial[]; bestTrial: number | null } | null;
  outcome: PipelineOutcome | null;
  /** What the run report is made of, kept as each phase ends; absent from runs from before reports. */
  facts?: RunFacts;
  /** The run report, once stored at the end of the run, or why it could not be made. */
  report?: StoredRunReport | null;
}

/** Input of the long-running monitoring loop of one deployed model version. */
export interface MonitoringInput {
  pipeline: string;
  modelVersion: number;
  /** The pipeline input to run again when retraining is triggered. */
  retrainInput: PipelineInput;
  monitoring: PipelineSpec['monitoring'];
  queues: TaskQueues;
  /** Checks before continuing as new (default 100); tests lower it. */
  checksPerRun?: number;
  /** Carried across continue-as-new. */
  state?: MonitoringState;
}

export interface HealthReport {
  window: { from: string; to: string };
  samples: number;
  accuracy: number | null;
  /** Mean rating (1-5) of the rated feedback; null below min_samples ratings. Absent from reports from before ratings. */
  satisfaction?: number | null;
  responseTimeP95: number | null;
  errorRate: number | null;
  /** Population stability index of each input feature against the version's training questions; null without a reference or traffic. */
  drift: DriftReport | null;
  breaches: string[];
  /** Too little traffic to judge. */
  insufficient: boolean;
}

export interface MonitoringState {
  iterations: number;
  checkedUntil: string | null;
  paused: boolean;
  lastReport: HealthReport | null;
  alerts: number;
  /** Why the last alert could not be delivered, if it could not. */
  lastAlertError?: string;
  retrainings: string[];
}

export type AbTestConfig = PipelineSpec['deployment']['ab_test'];

/**
 * Input of the A/B test workflow of one candidate version against production. The settings it decides by are the
 * registry's (from the pipeline file), not part of the input.
 */
export interface AbTestInput {
  pipeline: string;
  control: number;
  treatment: number;
  /** Carried across continue-as-new: how many looks were taken, and what they found. */
  state?: Pick<AbTestState, 'looks' | 'pValue' | 'analysis'>;
  /** Looks per run before continuing as new (tests lower it). */
  looksPerRun?: number;
}

export type AbTestDecision = 'promote' | 'rollback' | 'inconclusive';

export interface AbTestState {
  looks: number;
  /** The feedback log has been read up to here (write time). */
  checkedUntil: string | null;
  control: ArmTally;
  treatment: ArmTally;
  /** The always-valid p-value: the smallest of all looks so far. */
  pValue: number;
  analysis: AbAnalysis | null;
  /** superseded: an operator promoted or rolled back while the test ran. */
  outcome: { decision: AbTestDecision | 'superseded'; reason: string; at: string } | null;
}
