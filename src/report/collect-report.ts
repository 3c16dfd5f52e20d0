import type { AuditLine } from '../activities/data/output/audit';
import type { DataReport } from '../activities/data/report';
import type { ExportLineage } from '../activities/experiment/export-model';
import type { ArtifactRef, ArtifactStore } from '../artifacts/store';
import type { ReadinessCheck } from '../evaluation/readiness/types';
import {
  PHASES,
  type AbTestState,
  type ArmsTable,
  type EvaluationResult,
  type ExportResult,
  type GateResult,
  type PhaseStatus,
  type PipelineResult,
  type PipelineStatus,
} from '../pipeline/types';
import { readIndex, type StageChange } from '../registry/model-registry';
import { parseLossCurve } from './loss-curve';
import type {
  AbTestSection,
  ArmRow,
  DataSection,
  EvaluationSection,
  GateSection,
  LineageSection,
  LiveTraining,
  ReadinessSection,
  RunReport,
  RunSection,
  SampleAnswer,
  TrainingSection,
} from './report-model';
import { emptyRunFacts, type RunFacts } from './run-facts';

/** What is known of a run when its report is made: its status, its result once it has one, and how it ended. */
export interface RunSnapshot {
  workflowId: string;
  runId: string | null;
  /** RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED or TIMED_OUT. */
  state: string;
  status: PipelineStatus | null;
  result: PipelineResult | null;
  failure: string | null;
  /** Heartbeat details of running activities (the training step and loss while it trains). */
  activities?: { activity: string; details: Record<string, unknown> | null }[];
  /** The A/B test workflow's own state, when the caller could read it. */
  abTest?: AbTestState | null;
}

/** How many of the fine-tuned model's answers the report quotes. */
export const SAMPLE_ANSWERS = 5;
/** How many audit lines of each reason the report quotes (the data report keeps a few per reason). */
const AUDIT_SAMPLES_PER_REASON = 3;

/**
 * Gathers a run's report from its snapshot and the artifacts it references: the data report, the loss curve, the
 * evaluation's answers, the gate evidence, the registry entry or the export lineage. An artifact that cannot be read
 * leaves its part out and is named in `problems`, so a report is always made.
 */
export async function collectRunReport(snapshot: RunSnapshot, store: ArtifactStore, now: Date = new Date()): Promise<RunReport> {
  const problems: string[] = [];
  const read = async <T>(what: string, ref: ArtifactRef | null | undefined, kind?: string): Promise<T | null> => {
    if (!ref) return null;
    try {
      const value = await store.getJson<T & { kind?: string }>(ref);
      if (kind && value?.kind !== kind) throw new Error(`expected a JSON document of kind ${kind}, found ${JSON.stringify(value?.kind ?? null)}`);
      return value;
    } catch (err) {
      problems.push(`${what} (${ref.uri}) could not be read: ${messageOf(err)}`);
      return null;
    }
  };
  const { status, result } = snapshot;
  const facts = mergedFacts(status?.facts, result);

  const dataReport = await read<DataReport>('the data report', facts.data?.report, 'tempered.data-report/v2');
  const curveDoc = await read<unknown>('the loss curve', facts.training?.curve ?? result?.training.curve);
  let curve = null;
  try {
    curve = curveDoc === null ? null : parseLossCurve(curveDoc, 'the loss curve');
  } catch (err) {
    problems.push(messageOf(err));
  }
  const evidenceRef = facts.gate?.evidence ?? status?.awaitingApproval?.evidence ?? null;
  const evidence = await read<GateEvidence>('the gate evidence', evidenceRef, 'tempered.gate-evidence/v1');
  const entry = await read<RegistryEntry>('the registry entry', facts.modelVersion?.entry, 'tempered.model-version/v1');
  const exportLineage = entry ? null : await read<ExportLineage>('the export lineage', facts.exports?.lineage, 'tempered.export-lineage/v1');
  const samples = await sampleAnswers(store, facts.fineTuned, problems);

  return {
    generatedAt: now.toISOString(),
    run: runSection(snapshot),
    plan: facts.plan ? { plan: facts.plan, requirements: facts.requirements, specHash: facts.specHash, baseModel: facts.baseModel } : null,
    data: dataSection(facts, result, dataReport),
    training: trainingSection(facts, snapshot, curve),
    evaluation: evaluationSection(facts, status, result, samples),
    readiness: readinessSection(evidence, facts.gate),
    gate: gateSection(facts, status, evidence),
    abTest: await abTestSection(store, facts, snapshot.abTest ?? null, problems),
    lineage: await lineageSection(store, facts, entry, exportLineage, problems),
    problems,
  };
}

/** The gate evidence document as stored by applyGate (the parts the report shows). */
interface GateEvidence {
  passed: boolean;
  checks: GateResult['checks'];
  readiness: { passed: boolean; checks: ReadinessCheck[]; report: ArtifactRef } | null;
}

/** The registry entry of a version as registerModel stores it (the parts the report shows). */
interface RegistryEntry {
  name: string;
  version: number;
  model: ArtifactRef;
  exports: ExportResult | null;
  baseModel: { id: string; ggufFile: string | null };
  lineage: {
    specHash: string;
    codeVersion: string;
    data: { train: ArtifactRef; validation: ArtifactRef; test: ArtifactRef; report: ArtifactRef; audit: ArtifactRef };
  };
}

/** The status's facts, filled in from the result where the status has none (a finished run whose status is not at hand). */
function mergedFacts(fromStatus: RunFacts | undefined, result: PipelineResult | null): RunFacts {
  const facts = { ...emptyRunFacts(), ...fromStatus };
  if (!result) return facts;
  facts.plan ??= result.plan;
  facts.exports ??= result.exports;
  facts.gate ??= result.gate;
  facts.approval ??= result.approval;
  facts.modelVersion ??= result.modelVersion;
  facts.abTestWorkflowId ??= result.abTestWorkflowId ?? null;
  return facts;
}

function runSection({ workflowId, runId, state, status, result, failure }: RunSnapshot): RunSection {
  return {
    workflowId,
    runId,
    pipeline: status?.pipeline ?? result?.pipeline ?? '(unknown)',
    state,
    outcome: status?.outcome ?? result?.outcome ?? null,
    failure,
    phases: status?.phases ?? phasesOfResult(result),
    phasesFromStatus: status !== null,
    warnings: status?.warnings ?? result?.plan.warnings ?? [],
    monitoringWorkflowId: result?.monitoringWorkflowId ?? null,
  };
}

/** A finished run's phases as its result tells them: every one completed, monitoring started or not. */
function phasesOfResult(result: PipelineResult | null): PhaseStatus[] {
  return PHASES.map((name): PhaseStatus => {
    if (!result) return { name, state: 'pending', summary: {} };
    if (name !== 'continuous-improvement' || result.monitoringWorkflowId) return { name, state: 'completed', summary: {} };
    return { name, state: 'skipped', summary: { skipped: result.modelVersion ? 'monitoring disabled in the spec' : 'nothing was deployed' } };
  });
}

function dataSection(facts: RunFacts, result: PipelineResult | null, report: DataReport | null): DataSection | null {
  const counts = facts.data?.counts ?? result?.data;
  if (!counts) return null;
  const samples: AuditLine[] = report ? Object.values(report.audit.samples).flatMap((lines) => lines.slice(0, AUDIT_SAMPLES_PER_REASON)) : [];
  return {
    counts,
    scores: facts.data?.scores ?? report?.scores ?? null,
    cached: facts.data?.cached ?? null,
    checks: report?.checks ?? null,
    categories: report?.categories ?? facts.data?.categories ?? null,
    pii: report?.pii ?? null,
    sources: report?.sources ?? null,
    audit: report ? { counts: report.audit.counts, samples } : null,
    contamination: report?.contamination ?? null,
  };
}

function trainingSection(facts: RunFacts, { status, result, activities }: RunSnapshot, curve: TrainingSection['curve']): TrainingSection | null {
  const training = facts.training ?? result?.training ?? null;
  const live = liveTraining(activities ?? []);
  if (!training && !live && !status?.sweep) return null;
  return {
    result: training,
    curve,
    estimate: status?.estimate ?? result?.estimate ?? null,
    sweep: status?.sweep ?? result?.sweep ?? null,
    forgetting: facts.training?.forgetting ?? null,
    live,
  };
}

function liveTraining(activities: NonNullable<RunSnapshot['activities']>): LiveTraining | null {
  const details = activities.find((a) => a.activity === 'fineTune')?.details;
  if (!details) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { step: num(details.step), totalSteps: num(details.totalSteps), loss: num(details.loss), evalLoss: num(details.evalLoss), phase: typeof details.phase === 'string' ? details.phase : null };
}

function evaluationSection(facts: RunFacts, status: PipelineStatus | null, result: PipelineResult | null, samples: SampleAnswer[]): EvaluationSection | null {
  const table = status?.arms ?? result?.arms ?? null;
  let arms: ArmRow[];
  if (table) {
    arms = table.rows.map(withoutReport);
  } else {
    // Runs from before the arms table: the two models the result holds.
    const rows: ArmRow[] = [];
    const baseline = facts.baseline ?? (result && { samples: Number.NaN, metrics: result.baseline, intervals: result.intervals?.baseline });
    const fineTuned = facts.fineTuned ?? (result && { samples: Number.NaN, metrics: result.fineTuned, intervals: result.intervals?.fineTuned });
    if (baseline) rows.push({ arm: 'base', samples: baseline.samples, metrics: baseline.metrics, intervals: baseline.intervals ?? null, vsBase: null });
    if (fineTuned) rows.push({ arm: 'fine-tuned', samples: fineTuned.samples, metrics: fineTuned.metrics, intervals: fineTuned.intervals ?? null, vsBase: null });
    arms = rows;
  }
  // The baseline alone is measured in the experiment phase: the evaluation section starts with the fine-tuned model.
  if (!arms.some((a) => a.arm !== 'base')) return null;
  return {
    runtime: facts.fineTuned?.runtime ?? result?.evaluationRuntime ?? null,
    arms,
    outOfDomain: status?.outOfDomain ?? result?.outOfDomain ?? null,
    variants: status?.variants ?? result?.variants ?? null,
    samples,
  };
}

function withoutReport(row: ArmsTable['rows'][number]): ArmRow {
  const { arm, samples, metrics, intervals, vsBase } = row;
  return { arm, samples, metrics, intervals, vsBase };
}

/** The fine-tuned model's first answers, with each one's token F1 from the evaluation report. */
async function sampleAnswers(store: ArtifactStore, fineTuned: EvaluationResult | null, problems: string[]): Promise<SampleAnswer[]> {
  if (!fineTuned) return [];
  try {
    const lines = (await store.getBytes(fineTuned.predictions)).toString('utf8').split('\n').filter(Boolean).slice(0, SAMPLE_ANSWERS);
    const answers = lines.map((line, i) => {
      const p = JSON.parse(line) as Partial<Record<'id' | 'category' | 'reference' | 'prediction', unknown>>;
      if (typeof p.reference !== 'string' || typeof p.prediction !== 'string') {
        throw new Error(`line ${i + 1}: expected an object with string "reference" and "prediction"`);
      }
      return { id: String(p.id ?? i + 1), category: typeof p.category === 'string' ? p.category : null, reference: p.reference, prediction: p.prediction };
    });
    const report = await store.getJson<{ perSample?: { id: string; token_f1?: number; accurate?: boolean }[] }>(fineTuned.report);
    const scores = new Map((report.perSample ?? []).map((s) => [s.id, s]));
    return answers.map((a) => ({ ...a, tokenF1: scores.get(a.id)?.token_f1 ?? null, accurate: scores.get(a.id)?.accurate ?? null }));
  } catch (err) {
    problems.push(`the fine-tuned model's answers (${fineTuned.predictions.uri}) could not be read: ${messageOf(err)}`);
    return [];
  }
}

function readinessSection(evidence: GateEvidence | null, gate: GateResult | null): ReadinessSection | null {
  if (evidence?.readiness) return { passed: evidence.readiness.passed, checks: evidence.readiness.checks };
  // Without the evidence document, the gate's own checks still say which items passed.
  const items = (gate?.checks ?? []).filter((c) => c.mode === 'readiness');
  if (evidence || items.length === 0) return null;
  return { passed: items.every((c) => c.passed), checks: items.map((c) => ({ name: c.metric as ReadinessCheck['name'], passed: c.passed, evidence: {} })) };
}

function gateSection(facts: RunFacts, status: PipelineStatus | null, evidence: GateEvidence | null): GateSection | null {
  const awaitingApproval = status?.awaitingApproval ?? null;
  const gate = facts.gate ?? (evidence && { passed: evidence.passed, checks: evidence.checks, evidence: awaitingApproval?.evidence ?? null });
  if (!gate && !facts.approval) return null;
  return { passed: gate?.passed ?? null, checks: gate?.checks ?? [], evidence: gate?.evidence ?? null, approval: facts.approval, awaitingApproval };
}

async function abTestSection(store: ArtifactStore, facts: RunFacts, state: AbTestState | null, problems: string[]): Promise<AbTestSection | null> {
  if (!facts.abTestWorkflowId) return null;
  const version = facts.modelVersion;
  const section: AbTestSection = { workflowId: facts.abTestWorkflowId, treatment: version?.version ?? null, running: null, decisions: [], state };
  if (!version) return section;
  try {
    const index = await readIndex(store, version.name);
    if (index.abTest?.treatment === version.version) section.running = index.abTest;
    section.decisions = index.versions.find((v) => v.version === version.version)?.history.filter((c) => c.by === 'ab-test') ?? [];
  } catch (err) {
    problems.push(`the registry of ${version.name} could not be read: ${messageOf(err)}`);
  }
  return section;
}

async function lineageSection(
  store: ArtifactStore,
  facts: RunFacts,
  entry: RegistryEntry | null,
  exportLineage: ExportLineage | null,
  problems: string[],
): Promise<LineageSection | null> {
  const refs = (pairs: [string, ArtifactRef | null | undefined][]) => pairs.filter((p): p is [string, ArtifactRef] => Boolean(p[1])).map(([name, ref]) => ({ name, ref }));
  const exportParts = (e: ExportResult | null | undefined) =>
    refs([['adapter', e?.adapter], ['merged', e?.merged], ['onnx', e?.onnx], ['onnx-quantized', e?.onnxQuantized], ['onnx-genai', e?.onnxGenai], ['export lineage', e?.lineage]]);
  if (entry && facts.modelVersion) {
    const { data } = entry.lineage;
    let registered: { registeredAt: string; history: StageChange[]; stage: string } | null = null;
    try {
      registered = (await readIndex(store, entry.name)).versions.find((v) => v.version === entry.version) ?? null;
    } catch (err) {
      problems.push(`the registry of ${entry.name} could not be read: ${messageOf(err)}`);
    }
    return {
      source: 'registry',
      document: facts.modelVersion.entry,
      version: { name: entry.name, version: entry.version, stage: registered?.stage ?? facts.modelVersion.stage, registeredAt: registered?.registeredAt ?? null, history: registered?.history ?? [] },
      specHash: entry.lineage.specHash,
      codeVersion: entry.lineage.codeVersion,
      baseModel: entry.baseModel,
      model: entry.model,
      datasets: refs([['train', data.train], ['validation', data.validation], ['test', data.test], ['data report', data.report], ['audit', data.audit]]),
      exports: exportParts(entry.exports),
      trainerPackages: null,
    };
  }
  if (exportLineage && facts.exports) {
    const d = exportLineage.datasets;
    return {
      source: 'export',
      document: facts.exports.lineage,
      version: null,
      specHash: exportLineage.specHash,
      codeVersion: [exportLineage.code.version, exportLineage.code.commit].filter(Boolean).join(' '),
      baseModel: exportLineage.baseModel,
      model: exportLineage.training.model,
      datasets: refs([['train', d.train], ['validation', d.validation], ['test', d.test], ['data report', facts.data?.report], ['audit', facts.data?.audit]]),
      exports: exportParts(facts.exports),
      trainerPackages: exportLineage.trainerPackages,
    };
  }
  return null;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
