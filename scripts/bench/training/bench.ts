import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openArtifactStore } from '../../../src/artifacts/store';
import { stateDir } from '../../../src/config/paths';
import { startTemporal } from '../../../test/support/temporal';
import { writeTrainingData } from './data';
import { runDirect, tokensPerEpoch, type DirectRun } from './direct';
import { Orchestration, uploadSeconds, type OrchestratedRun } from './orchestrated';
import { resultLine, table } from './report';
import { benchSpec, DATA, HEARTBEAT_TIMEOUT } from './spec';

/**
 * `node dist/scripts/bench/training/bench.js [--runs N]`: the same training run straight through the trainer and
 * through the workflow (real server, gpu worker in its own process, checkpoints uploaded to a local store),
 * alternating N times each (3 by default); then a resume after SIGKILL of the gpu worker. Prints a table and, last,
 * `RESULT training overhead_ratio=<x> resume_s=<n> tokens_per_s=<n>`. Logs stay in .tempered/bench/training.
 */

/** The resume is measured from a kill after the second stored checkpoint, half-way through the run. */
const KILL_AFTER_CHECKPOINT_STEP = 150;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a positive integer, got "${values.runs}"`);

  const dir = path.join(stateDir, 'bench', 'training');
  fs.rmSync(dir, { recursive: true, force: true });
  const artifacts = path.join(dir, 'artifacts');
  // The gpu workers get the same store through their environment.
  process.env.TEMPERED_ARTIFACTS = artifacts;

  const spec = benchSpec();
  const data = writeTrainingData(path.join(dir, 'data'), DATA, DATA.seed);
  // Also a warm-up: the first Python start after a while reads torch and transformers from disk.
  const tokensPerRun = (await tokensPerEpoch(spec, data, path.join(dir, 'token-stats'))) * spec.training.epochs;
  const store = openArtifactStore();
  const input = { spec, train: await store.putFile(data.train), validation: await store.putFile(data.validation) };

  log('starting a Temporal dev server and the workers');
  const env = await startTemporal();
  let orchestration: Orchestration | undefined;
  try {
    orchestration = await Orchestration.start(env, input, dir, artifacts);
    const host = await orchestration.host('timing');
    const direct: DirectRun[] = [];
    const orchestrated: OrchestratedRun[] = [];
    for (let i = 1; i <= runs; i++) {
      direct.push(await runDirect(spec, data, path.join(dir, `direct-${i}`)));
      log(`run ${i}/${runs}: direct ${direct.at(-1)!.seconds.toFixed(1)} s`);
      orchestrated.push(await orchestration.run(`timing-${i}`));
      log(`run ${i}/${runs}: orchestrated ${orchestrated.at(-1)!.seconds.toFixed(1)} s`);
      const steps = orchestrated.at(-1)!.result.steps;
      if (steps !== direct.at(-1)!.steps) throw new Error(`the orchestrated run made ${steps} steps, the direct one ${direct.at(-1)!.steps}: they are not the same training`);
    }
    await host.stop('SIGTERM');

    log(`resume: killing the gpu worker after the checkpoint of step ${KILL_AFTER_CHECKPOINT_STEP} (heartbeat timeout ${HEARTBEAT_TIMEOUT})`);
    const resume = await orchestration.measureResume(KILL_AFTER_CHECKPOINT_STEP);
    if (resume.result.steps !== direct[0].steps) throw new Error(`the resumed training ended at step ${resume.result.steps}, not ${direct[0].steps}`);

    const t = spec.training;
    const figures = {
      what: `${spec.experiment.base_model} ${t.method} r=${t.lora.r}, ${DATA.train} examples x ${t.epochs} epochs = ${direct[0].steps} steps of ${t.batch_size}, eval + checkpoint every ${t.save_steps} steps`,
      direct,
      orchestrated,
      tokensPerRun,
      uploads: uploadSeconds(host.trainerEvents()),
      resume,
      heartbeatTimeout: HEARTBEAT_TIMEOUT,
    };
    console.log();
    console.log(table(figures));
    console.log(resultLine(figures));
  } finally {
    await orchestration?.stop();
    await env.teardown();
  }
}

function log(message: string): void {
  console.log(`bench:training: ${message}`);
}

main().catch((err: unknown) => {
  console.error(`bench:training failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
