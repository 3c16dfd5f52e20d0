import fs from 'node:fs';
import path from 'node:path';
import type { ArtifactRef, ArtifactStore } from '../artifacts/store';
import { createPiiRedactor } from '../activities/data/pii';
import { OnnxModelRuntime, type OnnxRuntimeOptions } from '../inference/onnx-runtime';
import type { ModelRuntime } from '../inference/runtime';
import { ONNX_RUNTIMES, type OnnxRuntimeName } from '../pipeline/runtimes';
import type { ExportResult, PipelineSpec } from '../pipeline/types';
import { productionVersion, readIndex, type RegistryIndex } from '../registry/model-registry';
import type { Arm } from './feedback-log';

/** What the server needs to know about answering for one version. */
export interface ServingPolicy {
  maxTokens: number;
  /** Redacts PII from text going to the feedback log; null when the log gets no text. */
  redactForLog: ((text: string) => string) | null;
}

/** A loaded model and the version it is; counts its requests in flight so it is closed only after the last. */
export class LoadedModel {
  private inFlight = 0;
  private retired = false;

  constructor(
    readonly version: number,
    readonly runtime: ModelRuntime,
    readonly policy: ServingPolicy,
    /** The name answers carry in their `model` field. */
    readonly name: string,
  ) {}

  async use<T>(work: (runtime: ModelRuntime) => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work(this.runtime);
    } finally {
      this.inFlight--;
      if (this.retired && this.inFlight === 0) void this.runtime.close();
    }
  }

  /** No new requests come to it; it closes when those in flight are answered. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) void this.runtime.close();
  }
}

/** Who answers a request: production alone, or control and treatment split by user. */
export type Routing =
  | { kind: 'single'; model: LoadedModel; arm: Arm }
  | { kind: 'ab'; control: LoadedModel; treatment: LoadedModel; treatmentShare: number; salt: string };

export interface ServedModels {
  routing(): Routing | null;
  /** Follows the registry: loads what it now says to serve, retires what it no longer does. */
  refresh(): Promise<boolean>;
  /** Where served requests' feedback goes; null when serving a folder outside the registry. */
  readonly pipeline: string | null;
  close(): Promise<void>;
}

/** One model folder, outside the registry: for trying a model and for benchmarks. No feedback log. */
export class FolderModel implements ServedModels {
  readonly pipeline = null;
  private constructor(private readonly model: LoadedModel) {}

  static async load(modelDir: string, options: OnnxRuntimeOptions, maxTokens: number): Promise<FolderModel> {
    const runtime = await OnnxModelRuntime.load(modelDir, options);
    return new FolderModel(new LoadedModel(0, runtime, { maxTokens, redactForLog: null }, path.basename(path.resolve(modelDir))));
  }

  routing(): Routing {
    return { kind: 'single', model: this.model, arm: 'production' };
  }

  async refresh(): Promise<boolean> {
    return false;
  }

  async close(): Promise<void> {
    this.model.retire();
  }
}

interface VersionEntry {
  exports: ExportResult | null;
  lineage: { spec: PipelineSpec };
}

/**
 * The versions the registry says a pipeline serves: production, or both arms of its running A/B test. Model folders
 * are fetched from the artifact store once into `cacheDir`, keyed by their manifest's hash.
 */
export class RegistryModels implements ServedModels {
  private current: Routing | null = null;
  private loaded = new Map<number, LoadedModel>();
  private lastIndex = '';

  constructor(
    readonly pipeline: string,
    private readonly store: ArtifactStore,
    private readonly cacheDir: string,
    private readonly options: OnnxRuntimeOptions & { runtime?: OnnxRuntimeName },
  ) {}

  routing(): Routing | null {
    return this.current;
  }

  async refresh(): Promise<boolean> {
    const index = await readIndex(this.store, this.pipeline);
    const key = JSON.stringify({ production: productionVersion(index)?.version, abTest: index.abTest });
    if (key === this.lastIndex) return false;
    const next = await this.routingFor(index);
    const keep = new Set(next ? (next.kind === 'single' ? [next.model.version] : [next.control.version, next.treatment.version]) : []);
    for (const [version, model] of this.loaded) {
      if (!keep.has(version)) {
        model.retire();
        this.loaded.delete(version);
      }
    }
    this.current = next;
    this.lastIndex = key;
    return true;
  }

  private async routingFor(index: RegistryIndex): Promise<Routing | null> {
    const production = productionVersion(index);
    if (!production) return null;
    if (index.abTest && index.abTest.control === production.version) {
      const [control, treatment] = [await this.model(index, index.abTest.control), await this.model(index, index.abTest.treatment)];
      return { kind: 'ab', control, treatment, treatmentShare: index.abTest.treatmentShare, salt: index.abTest.workflowId };
    }
    return { kind: 'single', model: await this.model(index, production.version), arm: 'production' };
  }

  private async model(index: RegistryIndex, version: number): Promise<LoadedModel> {
    const cached = this.loaded.get(version);
    if (cached) return cached;
    const registered = index.versions.find((v) => v.version === version)!;
    const entry = await this.store.getJson<VersionEntry>(registered.entry);
    const { ref, runtime } = pickExport(entry, this.options.runtime, `${this.pipeline} v${version}`);
    const dir = path.join(this.cacheDir, ref.sha256);
    if (!fs.existsSync(path.join(dir, '.complete'))) {
      await this.store.getDirectory(ref, dir);
      fs.writeFileSync(path.join(dir, '.complete'), '');
    }
    const spec = entry.lineage.spec;
    const redactor = spec.deployment?.serving?.log_text ? createPiiRedactor(spec.data.pii.patterns) : null;
    const policy: ServingPolicy = {
      maxTokens: spec.deployment?.serving?.max_tokens ?? 256,
      redactForLog: redactor ? (text) => redactor(text).text : null,
    };
    const loaded = new LoadedModel(version, await OnnxModelRuntime.load(dir, this.options), policy, `${this.pipeline}-v${version}-${runtime}`);
    this.loaded.set(version, loaded);
    return loaded;
  }

  async close(): Promise<void> {
    for (const model of this.loaded.values()) model.retire();
    this.loaded.clear();
    this.current = null;
  }
}

/** The export asked for, or the one the version was evaluated on, or the first there is. */
function pickExport(entry: VersionEntry, wanted: OnnxRuntimeName | undefined, what: string): { ref: ArtifactRef; runtime: OnnxRuntimeName } {
  const evaluated = entry.lineage.spec.evaluation?.runtime;
  const order: OnnxRuntimeName[] = wanted
    ? [wanted]
    : [...(evaluated && evaluated !== 'pytorch' ? [evaluated] : []), 'onnx', 'onnx-quantized', 'onnx-genai'];
  for (const runtime of order) {
    const ref = entry.exports?.[ONNX_RUNTIMES[runtime].key];
    if (ref) return { ref, runtime };
  }
  const have = Object.entries(ONNX_RUNTIMES)
    .filter(([, { key }]) => entry.exports?.[key])
    .map(([name]) => name);
  throw new Error(`${what} has no ${wanted ?? 'ONNX'} export to serve (it has: ${have.join(', ') || 'none'}); export it with export.onnx in the spec`);
}
