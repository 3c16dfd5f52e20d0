import { setTimeout as delay } from 'node:timers/promises';
import type { ArtifactRef, ArtifactStore } from '../artifacts/store';
import type { AbTestConfig, ModelStage } from '../pipeline/types';
import { abTestWorkflowId } from '../pipeline/rollout';

/** One move of a version between stages, and who made it. */
export interface StageChange {
  stage: ModelStage;
  at: string;
  /** `pipeline`, `ab-test`, or the operator's name. */
  by: string;
  reason: string;
}

export interface RegisteredVersion {
  version: number;
  stage: ModelStage;
  model: ArtifactRef;
  /** The immutable entry: lineage and exports. */
  entry: ArtifactRef;
  registeredAt: string;
  history: StageChange[];
}

/**
 * The A/B test running for a pipeline: its traffic split, the workflow deciding it, and the spec's settings it
 * decides by, kept here so that they come from the pipeline file, never from whoever starts a workflow.
 */
export interface RunningAbTest {
  control: number;
  treatment: number;
  treatmentShare: number;
  workflowId: string;
  startedAt: string;
  config: AbTestConfig;
}

export interface RegistryIndex {
  name: string;
  versions: RegisteredVersion[];
  /** Every version promoted to production, oldest first; a rollback returns to the one before the last. */
  productionLog: number[];
  abTest: RunningAbTest | null;
}

/** Registry requests an operator (or the A/B test) got wrong: unknown versions, a rollback with nothing to return to. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** Registrations of one pipeline kept colliding on its index; a later retry may get in. */
export class RegistryContentionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryContentionError';
  }
}

/** Each lost race means another writer got in, so this many lets that many write at once. */
const MAX_ATTEMPTS = 10;
const BASE_BACKOFF_MS = 20;
const MAX_BACKOFF_MS = 1_000;

export function indexName(name: string): string {
  return `registry/${name}/index.json`;
}

export async function readIndex(store: ArtifactStore, name: string): Promise<RegistryIndex> {
  return (await readIndexVersioned(store, name)).index;
}

async function readIndexVersioned(store: ArtifactStore, name: string): Promise<{ index: RegistryIndex; indexVersion: string | null }> {
  const doc = await store.readNamedVersioned(indexName(name));
  if (!doc) return { index: { name, versions: [], productionLog: [], abTest: null }, indexVersion: null };
  let raw: Partial<RegistryIndex> & { versions: RegisteredVersion[] };
  try {
    raw = JSON.parse(doc.data.toString('utf8'));
  } catch (err) {
    throw new Error(`Registry index ${indexName(name)} in ${store.root} is not valid JSON: ${(err as Error).message}`);
  }
  // Indexes written before stages had a history carry only the current stage.
  const versions = raw.versions.map((v) => ({ ...v, history: v.history ?? [{ stage: v.stage, at: v.registeredAt, by: 'pipeline', reason: 'registered' }] }));
  const productionLog = raw.productionLog ?? versions.filter((v) => v.stage === 'production').map((v) => v.version);
  return { index: { name, versions, productionLog, abTest: raw.abTest ?? null }, indexVersion: doc.version };
}

/**
 * Applies `change` to the index and writes it only if nobody changed the index since it was read, reading again
 * otherwise; `change` must be a function of the index alone, as it may run several times. Returns its result.
 */
export async function updateIndex<T>(store: ArtifactStore, name: string, change: (index: RegistryIndex) => T | Promise<T>): Promise<T> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const { index, indexVersion } = await readIndexVersioned(store, name);
    const before = JSON.stringify(index);
    const result = await change(index);
    if (JSON.stringify(index) === before) return result;
    if (await store.writeNamedIf(indexName(name), JSON.stringify(index, null, 2), indexVersion)) return result;
    await delay(Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt));
  }
  throw new RegistryContentionError(
    `${indexName(name)} in ${store.root} changed under each of ${MAX_ATTEMPTS} attempts to update it, as other writers got in first; retry later`,
  );
}

export function findVersion(index: RegistryIndex, version: number): RegisteredVersion {
  const found = index.versions.find((v) => v.version === version);
  if (!found) {
    const known = index.versions.map((v) => `v${v.version}`).join(', ') || 'none';
    throw new RegistryError(`${index.name} has no version ${version} (registered: ${known})`);
  }
  return found;
}

export function productionVersion(index: RegistryIndex): RegisteredVersion | null {
  return index.versions.find((v) => v.stage === 'production') ?? null;
}

function move(v: RegisteredVersion, change: StageChange): void {
  v.stage = change.stage;
  v.history.push(change);
}

export interface Actor {
  by: string;
  reason: string;
  at?: string;
}

/** Makes `version` the production version; the one it replaces is archived, and an A/B test about either ends. */
export function promoteIn(index: RegistryIndex, version: number, actor: Actor): RegisteredVersion {
  const target = findVersion(index, version);
  const at = actor.at ?? new Date().toISOString();
  const current = productionVersion(index);
  if (current?.version === version) return target;
  if (current) move(current, { stage: 'archived', at, by: actor.by, reason: `replaced by v${version}` });
  move(target, { stage: 'production', at, by: actor.by, reason: actor.reason });
  index.productionLog.push(version);
  if (index.abTest && (index.abTest.treatment === version || index.abTest.control === version)) index.abTest = null;
  return target;
}

/** Takes production back to the version that held it before the current one; the current one is archived. */
export function rollbackIn(index: RegistryIndex, actor: Actor): { from: RegisteredVersion; to: RegisteredVersion } {
  const current = productionVersion(index);
  if (!current) throw new RegistryError(`${index.name} has no production version to roll back`);
  // The versions production held before, newest first, skipping the current one wherever it appears.
  const previous = index.productionLog.filter((v) => v !== current.version).at(-1);
  if (previous === undefined) throw new RegistryError(`${index.name} v${current.version} is the only version that was ever in production: nothing to roll back to`);
  const at = actor.at ?? new Date().toISOString();
  const to = findVersion(index, previous);
  move(current, { stage: 'archived', at, by: actor.by, reason: `rolled back: ${actor.reason}` });
  move(to, { stage: 'production', at, by: actor.by, reason: `restored by rollback of v${current.version}` });
  index.productionLog = [...index.productionLog.filter((v) => v !== current.version && v !== previous), previous];
  if (index.abTest) index.abTest = null;
  return { from: current, to };
}

/** Puts a staging or candidate version out of the way of production: archived (rejected) or back to candidate. */
export function retireIn(index: RegistryIndex, version: number, stage: 'archived' | 'candidate', actor: Actor): RegisteredVersion {
  const target = findVersion(index, version);
  if (target.stage === 'production') throw new RegistryError(`${index.name} v${version} is in production: roll it back instead`);
  move(target, { stage, at: actor.at ?? new Date().toISOString(), by: actor.by, reason: actor.reason });
  if (index.abTest?.treatment === version) index.abTest = null;
  return target;
}

/** Starts an A/B test of a candidate against production: the candidate moves to staging and takes its share of traffic. */
export function startAbTestIn(index: RegistryIndex, treatment: number, config: AbTestConfig, actor: Actor): RunningAbTest {
  const control = productionVersion(index);
  if (!control) throw new RegistryError(`${index.name} has no production version to test v${treatment} against`);
  if (control.version === treatment) throw new RegistryError(`${index.name} v${treatment} is in production: test another version against it`);
  if (index.abTest && index.abTest.treatment !== treatment) {
    throw new RegistryError(`${index.name} is already testing v${index.abTest.treatment} against v${index.abTest.control}; it must end first`);
  }
  const at = actor.at ?? new Date().toISOString();
  const target = findVersion(index, treatment);
  if (target.stage !== 'staging') move(target, { stage: 'staging', at, by: actor.by, reason: actor.reason });
  index.abTest ??= { control: control.version, treatment, treatmentShare: config.treatment_share, workflowId: abTestWorkflowId(index.name, treatment), startedAt: at, config };
  return index.abTest;
}

export function addVersionIn(index: RegistryIndex, model: ArtifactRef, entry: ArtifactRef, version: number, actor: Actor): RegisteredVersion {
  const at = actor.at ?? new Date().toISOString();
  const added: RegisteredVersion = { version, stage: 'candidate', model, entry, registeredAt: at, history: [{ stage: 'candidate', at, by: actor.by, reason: actor.reason }] };
  index.versions.push(added);
  return added;
}

export function nextVersion(index: RegistryIndex): number {
  return Math.max(0, ...index.versions.map((v) => v.version)) + 1;
}
