import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap, Worker } from '@temporalio/worker';
import { temporalBin } from '../../src/config/paths';
import { searchAttributes } from '../../src/pipeline/search-attributes';
import { createWorker, type WorkerKind } from '../../src/workers/create-workers';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

/** The workflow bundle, built once per test process (webpack takes seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') });
  return bundle;
}

/** A real Temporal dev server from the project's venv (never downloaded), with Tempered's search attributes. */
export async function startTemporal(): Promise<TestWorkflowEnvironment> {
  if (!fs.existsSync(temporalBin)) throw new Error(`Temporal CLI missing at ${temporalBin}: run \`npm run bootstrap\``);
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  return TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalBin }, searchAttributes, extraArgs: ['--log-level', 'error'] },
  });
}

export interface RunningWorkers {
  workers: Worker[];
  stop(): Promise<void>;
}

/** The three workers, as in production, against the test server. */
export async function startWorkers(env: TestWorkflowEnvironment, kinds: WorkerKind[] = ['control', 'cpu', 'gpu']): Promise<RunningWorkers> {
  const workflowBundleCode = await workflowBundle();
  const workers = await Promise.all(
    kinds.map((kind) => createWorker(kind, { connection: env.nativeConnection, namespace: env.namespace ?? 'default', workflowBundle: workflowBundleCode })),
  );
  const running = workers.map((w) => w.run());
  return {
    workers,
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.all(running);
    },
  };
}

/** A fresh artifact store directory for this test file; activities read TEMPERED_ARTIFACTS on every call. */
export function useTempArtifactStore(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-artifacts-'));
  process.env.TEMPERED_ARTIFACTS = dir;
  return dir;
}

export const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
export const historiesDir = path.resolve(__dirname, '..', '..', '..', 'test', 'histories');

/**
 * With RECORD_HISTORIES=1, tests save the histories the replay test guards (`npm run record-histories`),
 * written by the Temporal CLI in the same JSON form as `temporal workflow show --output json` and the Web UI's download.
 */
export async function maybeRecordHistory(name: string, env: TestWorkflowEnvironment, workflowId: string, runId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const args = ['workflow', 'show', '--address', env.address, '--namespace', env.namespace ?? 'default', '--workflow-id', workflowId, '--output', 'json'];
  if (runId) args.push('--run-id', runId);
  const { stdout } = await promisify(execFile)(temporalBin, args, { maxBuffer: 64 * 1024 * 1024 });
  fs.mkdirSync(historiesDir, { recursive: true });
  fs.writeFileSync(path.join(historiesDir, `${name}.json`), stdout);
}
