import os from 'node:os';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { openArtifactStore, type ArtifactStore } from '../../artifacts/store';
import { taskQueues } from '../../config/queues';
import type { AbTestConfig, AbTestInput } from '../../pipeline/types';
import {
  findVersion,
  productionVersion,
  promoteIn,
  readIndex,
  RegistryError,
  retireIn,
  rollbackIn,
  startAbTestIn,
  updateIndex,
  type RegistryIndex,
} from '../../registry/model-registry';
import { connectClient } from '../connect';
import { EXIT, printJson } from '../output';

interface Common {
  json?: boolean;
}

function whoever(by: string | undefined): string {
  return by ?? process.env.USER ?? os.userInfo().username;
}

function versionNumber(value: string): number {
  const n = Number(value.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`version ${value}: expected a version number such as 3 or v3`);
  return n;
}

async function existingIndex(store: ArtifactStore, pipeline: string): Promise<RegistryIndex> {
  const index = await readIndex(store, pipeline);
  if (index.versions.length === 0) throw new Error(`${pipeline} has no registered versions in ${store.root}`);
  return index;
}

/** `tempered models list <pipeline>`: every version, its stage and how it got there; the running A/B test. */
export async function listModelsCommand(pipeline: string, opts: Common): Promise<number> {
  const index = await existingIndex(openArtifactStore(), pipeline);
  if (opts.json) {
    printJson({ pipeline, versions: index.versions.map(({ version, stage, registeredAt, history }) => ({ version, stage, registeredAt, last: history.at(-1) })), abTest: index.abTest });
    return EXIT.ok;
  }
  for (const v of [...index.versions].reverse()) {
    const last = v.history.at(-1)!;
    console.log(`v${v.version}  ${v.stage.padEnd(10)}  registered ${v.registeredAt}  ${last.at} by ${last.by}: ${last.reason}`);
  }
  if (index.abTest) {
    const t = index.abTest;
    console.log(`A/B test: v${t.treatment} against v${t.control}, ${t.treatmentShare * 100}% of users, since ${t.startedAt} (workflow ${t.workflowId})`);
  }
  return EXIT.ok;
}

/** `tempered models show <pipeline> <version>`: the version's stage history and its lineage. */
export async function showModelCommand(pipeline: string, version: string, opts: Common): Promise<number> {
  const store = openArtifactStore();
  const registered = findVersion(await existingIndex(store, pipeline), versionNumber(version));
  const entry = await store.getJson<{ exports: unknown; baseModel: unknown; lineage: Record<string, unknown> & { spec: unknown } }>(registered.entry);
  // The spec is long and `tempered run` printed it; its hash stays in the lineage.
  const lineage = Object.fromEntries(Object.entries(entry.lineage).filter(([key]) => key !== 'spec'));
  const shown = { pipeline, version: registered.version, stage: registered.stage, history: registered.history, model: registered.model, baseModel: entry.baseModel, exports: entry.exports, lineage };
  if (opts.json) printJson(shown);
  else console.log(JSON.stringify(shown, null, 2));
  return EXIT.ok;
}

/** `tempered models promote <pipeline> <version>`: an operator puts a version in production. */
export async function promoteModelCommand(pipeline: string, version: string, opts: Common & { by?: string; reason?: string }): Promise<number> {
  const n = versionNumber(version);
  const by = whoever(opts.by);
  const promoted = await updateIndex(openArtifactStore(), pipeline, (index) => {
    const before = productionVersion(index)?.version ?? null;
    const after = promoteIn(index, n, { by, reason: opts.reason ?? 'promoted by an operator' });
    return { before, after: after.version };
  });
  if (opts.json) printJson({ pipeline, production: promoted.after, replaced: promoted.before });
  else console.log(promoted.before === promoted.after ? `${pipeline} v${n} is already in production` : `${pipeline} v${n} is in production${promoted.before ? ` (v${promoted.before} archived)` : ''}`);
  return EXIT.ok;
}

/** `tempered models rollback <pipeline>`: production returns to the version it had before the current one. */
export async function rollbackModelCommand(pipeline: string, opts: Common & { by?: string; reason?: string }): Promise<number> {
  const by = whoever(opts.by);
  const { from, to } = await updateIndex(openArtifactStore(), pipeline, (index) => {
    const moved = rollbackIn(index, { by, reason: opts.reason ?? 'rolled back by an operator' });
    return { from: moved.from.version, to: moved.to.version };
  });
  if (opts.json) printJson({ pipeline, production: to, rolledBack: from });
  else console.log(`${pipeline} rolled back from v${from} to v${to}`);
  return EXIT.ok;
}

/**
 * `tempered models ab-test <pipeline> <version>`: an operator tests a version against production, as a pipeline run
 * with rollout `ab-test` would have: a version kept as a candidate while another test ran, or one archived earlier.
 * The test decides by the A/B settings of the pipeline file the version was trained with (kept in its entry), and
 * its workflow runs on the control queue. Asking again for a running test finds it.
 */
export async function abTestModelCommand(pipeline: string, version: string, opts: Common & { by?: string; reason?: string }): Promise<number> {
  const n = versionNumber(version);
  const by = whoever(opts.by);
  const store = openArtifactStore();
  const registered = findVersion(await existingIndex(store, pipeline), n);
  const entry = await store.getJson<{ lineage?: { spec?: { deployment?: { ab_test?: AbTestConfig } } } }>(registered.entry);
  const config = entry.lineage?.spec?.deployment?.ab_test;
  if (!config) throw new RegistryError(`${pipeline} v${n}: its registry entry has no deployment.ab_test settings to run a test by`);
  // Connected before the registry changes: an unreachable server leaves the registry as it was.
  const { client, close } = await connectClient();
  try {
    const { test, started, stageBefore } = await updateIndex(store, pipeline, (index) => {
      const stageBefore = findVersion(index, n).stage;
      const started = index.abTest?.treatment !== n;
      return { test: startAbTestIn(index, n, config, { by, reason: opts.reason ?? 'A/B test started by an operator' }), started, stageBefore };
    });
    const input: AbTestInput = { pipeline, control: test.control, treatment: test.treatment };
    let running = false;
    try {
      await client.workflow.start('abTestWorkflow', { taskQueue: taskQueues().control, workflowId: test.workflowId, args: [input] });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        // Traffic must not go to a version that no test is deciding about: it returns to the stage it had.
        const back = stageBefore === 'archived' ? 'archived' : 'candidate';
        if (started) await updateIndex(store, pipeline, (index) => retireIn(index, n, back, { by, reason: `A/B test not started: ${(err as Error).message}` }));
        throw err;
      }
      running = true;
    }
    const shown = { pipeline, control: test.control, treatment: test.treatment, treatmentShare: test.treatmentShare, workflowId: test.workflowId, alreadyRunning: running };
    if (opts.json) printJson(shown);
    else {
      console.log(
        running
          ? `${pipeline} v${n} is already in an A/B test against v${test.control} (workflow ${test.workflowId})`
          : `${pipeline} v${n} is in an A/B test against v${test.control}: ${test.treatmentShare * 100}% of users, decided by workflow ${test.workflowId}`,
      );
    }
    return EXIT.ok;
  } finally {
    await close();
  }
}
