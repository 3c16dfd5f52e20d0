import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { taskQueues } from '../../config/queues';
import { webUiUrl } from '../../config/temporal';
import { PipelineName, PipelinePhase } from '../../pipeline/search-attributes';
import type { PipelineInput, PipelineResult } from '../../pipeline/types';
import { workerRoots } from '../../config/roots';
import { catalogueName } from '../../spec/catalogue';
import { loadSpecFile, SpecError } from '../../spec/load';
import type { fineTuningPipeline } from '../../workflows';
import { installWorkerRuntime } from '../../observability/runtime';
import { observabilitySettings } from '../../observability/settings';
import { connectWorkers, createWorker } from '../../workers/create-workers';
import { connectClient } from '../connect';
import { EXIT, failureMessage, printJson } from '../output';
import { formatSummary } from '../format';
import { readLiveStatus } from '../live-status';
import { ProgressBars } from '../progress-bars';
import { ProgressLines } from '../progress-lines';
import type { ProgressView } from '../progress-steps';

export interface RunOptions {
  wait?: boolean;
  set?: string[];
  json?: boolean;
  id?: string;
  /** Run the three workers inside this process for the length of the run (the demo does). */
  localWorkers?: boolean;
}

/**
 * The workflow input for a catalogued pipeline and `--set` overrides, checked here, with located problems, before
 * anything starts. Pipelines travel by catalogue name: the workers load their own copy and take no paths from a starter.
 */
export function catalogueInput(specRef: string, sets: string[]): { loaded: ReturnType<typeof loadSpecFile>; input: PipelineInput } {
  const overrides = parseSets(sets);
  const loaded = loadSpecFile(specRef, overrides);
  const pipeline = catalogueName(loaded.file, workerRoots().pipelineDirs);
  if (!pipeline) {
    const message = 'not in the pipeline catalogue (pipelines/ and TEMPERED_PIPELINES_DIRS); workers run catalogued pipelines only: move the file there or add its directory to TEMPERED_PIPELINES_DIRS here and on the workers';
    throw new SpecError([{ file: loaded.source, path: '', message }], 'PathNotAllowed');
  }
  return { loaded, input: { pipeline, ...(Object.keys(overrides).length ? { overrides } : {}) } };
}

/** `tempered run <spec>`: validates the spec here, starts the pipeline, and with --wait follows it to the end. */
export async function runCommand(specRef: string, opts: RunOptions): Promise<number> {
  const { loaded, input } = catalogueInput(specRef, opts.set ?? []);

  const { client, settings, close } = await connectClient();
  try {
    const workflowId = opts.id ?? `${loaded.spec.name}-${timestamp()}`;
    const handle = await client.workflow.start<typeof fineTuningPipeline>('fineTuningPipeline', {
      taskQueue: taskQueues().control,
      workflowId,
      args: [input],
      typedSearchAttributes: [
        { key: PipelineName, value: loaded.spec.name },
        { key: PipelinePhase, value: 'planning' },
      ],
      memo: { spec: loaded.source, experiment: loaded.spec.experiment.name },
    });
    const ui = webUiUrl(settings, workflowId);
    if (!opts.json) console.log(`started ${workflowId}\n  Web UI: ${ui}`);
    if (!opts.wait) {
      if (opts.json) printJson({ workflowId, runId: handle.firstExecutionRunId, webUi: ui });
      return EXIT.ok;
    }
    const result = opts.localWorkers ? await withLocalWorkers(() => follow(handle, !opts.json)) : await follow(handle, !opts.json);
    return report(workflowId, ui, result, opts.json);
  } finally {
    await close();
  }
}

type Followed = { result: PipelineResult } | { error: string };

/** How often a followed run is read: a describe and a query, cheap for the server. */
const FOLLOW_POLL_MS = 2000;

async function follow(handle: WorkflowHandle<typeof fineTuningPipeline>, print: boolean): Promise<Followed> {
  // Bars need a terminal that redraws; a log (CI, a pipe) gets plain lines, a few per minute at most.
  const view: ProgressView | null = print ? (process.stdout.isTTY ? new ProgressBars(process.stdout) : new ProgressLines(process.stdout)) : null;
  let running = true;
  const watcher = (async () => {
    while (running && view) {
      await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
      if (!running) break;
      const live = await readLiveStatus(handle).catch(() => null);
      if (live) view.update(live);
    }
  })();
  try {
    return { result: await handle.result() };
  } catch (err) {
    if (err instanceof WorkflowFailedError) return { error: failureMessage(err) };
    throw err;
  } finally {
    running = false;
    await watcher;
    view?.stop();
  }
}

function report(workflowId: string, webUi: string, followed: Followed, json?: boolean): number {
  if ('error' in followed) {
    if (json) printJson({ workflowId, status: 'failed', error: followed.error, webUi });
    else console.error(`pipeline failed: ${followed.error}\n  Web UI: ${webUi}`);
    return EXIT.failed;
  }
  const { result } = followed;
  if (json) printJson({ workflowId, status: 'completed', outcome: result.outcome, result, webUi });
  else console.log(`${formatSummary(result)}\n  Web UI: ${webUi}`);
  return result.outcome === 'deployed' ? EXIT.ok : EXIT.notDeployed;
}

async function withLocalWorkers<T>(fn: () => Promise<T>): Promise<T> {
  // The progress is the output here; the workers speak up only for errors.
  await installWorkerRuntime({ ...observabilitySettings(), logLevel: 'ERROR', metricsPort: null });
  const { connection, namespace } = await connectWorkers();
  try {
    const workers = await Promise.all((['control', 'cpu', 'gpu'] as const).map((kind) => createWorker(kind, { connection, namespace })));
    const done = fn();
    await Promise.all(workers.map((w) => w.runUntil(done.then(() => undefined, () => undefined))));
    return await done;
  } finally {
    await connection.close();
  }
}

/** `--set training.epochs=2 --set evaluation.max_samples=50`: values are JSON when they parse as JSON. */
export function parseSets(sets: string[]): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got "${s}"`);
    const raw = s.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    // Defined, not assigned: a key such as "__proto__" stays a plain field, which the spec loader then refuses.
    Object.defineProperty(overrides, s.slice(0, eq), { value, enumerable: true, writable: true, configurable: true });
  }
  return overrides;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
}
