import path from 'node:path';
import { openArtifactStore } from '../../artifacts/store';
import { stateDir } from '../../config/paths';
import { ONNX_RUNTIMES, type OnnxRuntimeName } from '../../pipeline/runtimes';
import { FeedbackLogWriter } from '../../serving/feedback-log';
import { FolderModel, RegistryModels, type ServedModels } from '../../serving/served-models';
import { createServer } from '../../serving/server';
import { EXIT } from '../output';

export interface ServeOptions {
  modelDir?: string;
  host: string;
  port: string;
  threads?: string;
  maxBatch?: string;
  spin?: boolean;
  runtime?: string;
  maxTokens: string;
  reloadInterval: string;
}

function whole(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} ${value}: expected a whole number ≥ ${min}`);
  return n;
}

/** `TEMPERED_SERVE_API_KEYS`: keys separated by commas or whitespace; unset or empty, no key is needed. */
export function apiKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.TEMPERED_SERVE_API_KEYS ?? '').split(/[\s,]+/).filter((key) => key.length > 0);
}

/**
 * `tempered serve <pipeline>`: the OpenAI-compatible server on the pipeline's production version (both arms during an
 * A/B test), following the registry as it changes. `--model-dir` serves one exported folder instead, with no log.
 * Runs until SIGINT or SIGTERM, then finishes the requests in flight and writes the last feedback before exiting.
 */
export async function serveCommand(pipeline: string | undefined, opts: ServeOptions): Promise<number> {
  if ((pipeline === undefined) === (opts.modelDir === undefined)) throw new Error('expected a pipeline name or --model-dir <folder>, not both');
  if (opts.runtime !== undefined && !(opts.runtime in ONNX_RUNTIMES)) throw new Error(`--runtime ${opts.runtime}: expected one of ${Object.keys(ONNX_RUNTIMES).join(', ')}`);
  const port = whole('--port', opts.port, 0)!;
  const runtimeOptions = { threads: whole('--threads', opts.threads, 1), maxBatch: whole('--max-batch', opts.maxBatch, 1), spinning: opts.spin === true };
  const reloadMs = whole('--reload-interval', opts.reloadInterval, 1)! * 1000;

  let models: ServedModels;
  let log: FeedbackLogWriter | null = null;
  if (opts.modelDir !== undefined) {
    models = await FolderModel.load(opts.modelDir, runtimeOptions, whole('--max-tokens', opts.maxTokens, 1)!);
  } else {
    const store = openArtifactStore();
    models = new RegistryModels(pipeline!, store, path.join(stateDir, 'serving'), { ...runtimeOptions, ...(opts.runtime ? { runtime: opts.runtime as OnnxRuntimeName } : {}) });
    await models.refresh();
    if (!models.routing()) console.log(`${pipeline} has no production version yet: answering 503 until one is promoted`);
    log = new FeedbackLogWriter(store);
  }
  const app = createServer({ models, log, apiKeys: apiKeysFromEnv() });
  const reload = setInterval(() => {
    models.refresh().then(
      (changed) => changed && console.log(`now serving ${describe(models)}`),
      (err: Error) => console.error(`reading the registry failed (still serving ${describe(models)}): ${err.message}`),
    );
  }, reloadMs);

  const address = await app.listen({ host: opts.host, port });
  console.log(`serving ${describe(models)}`);
  console.log(`listening on ${address}`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(reload);
  // close() stops accepting connections and waits for the requests in flight.
  await app.close();
  await log?.close();
  await models.close();
  console.log('stopped');
  return EXIT.ok;
}

function describe(models: ServedModels): string {
  const routing = models.routing();
  if (!routing) return 'nothing';
  if (routing.kind === 'single') return routing.model.name;
  return `${routing.control.name} (control) and ${routing.treatment.name} (treatment, ${routing.treatmentShare * 100}% of users)`;
}
