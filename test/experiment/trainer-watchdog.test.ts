import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { modelCacheDir, pythonBin, trainerDir } from '../../src/config/paths';
import { endlessTrainingConfig } from './endless-training';
import { isRunning, liveProcessesInGroup, waitFor } from './processes';

/**
 * Stands in for a gpu worker: starts the command detached and names itself in TEMPERED_PARENT_PID, as
 * runTrainer does. With \`pipes: 'own'\` it reads the child's output and relays it, like a worker, so the
 * child's pipes break when it dies; with \`'shared'\` the child writes straight to the test's pipes, which
 * stay read after the stand-in dies, so a writing trainer cannot be ended by a broken pipe either.
 */
const STAND_IN_WORKER = `
const { spawn } = require('node:child_process');
const [pipes, command, ...args] = JSON.parse(process.argv[1]);
const env = { ...process.env, TEMPERED_PARENT_PID: String(process.pid) };
const stdio = pipes === 'own' ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'];
const child = spawn(command, args, { detached: true, stdio, env });
process.stderr.write('child ' + child.pid + '\\n');
if (pipes === 'own') {
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stderr);
}
setInterval(() => {}, 60_000);
`;

/** Runs \`command\` under a stand-in worker; the child's pid comes from the stand-in, its lines from the pipes. */
function underStandInWorker(pipes: 'own' | 'shared', command: string[]) {
  const standIn = spawn(process.execPath, ['-e', STAND_IN_WORKER, JSON.stringify([pipes, ...command])], {
    env: { ...process.env, PYTHONPATH: trainerDir, TEMPERED_MODEL_CACHE: modelCacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  readline.createInterface({ input: standIn.stdout }).on('line', (line) => stdout.push(line));
  readline.createInterface({ input: standIn.stderr }).on('line', (line) => stderr.push(line));
  const childPid = () => stderr.map((line) => /^child (\d+)$/.exec(line)?.[1]).find(Boolean);
  return { standIn, stdout, stderr, childPid: async () => Number(await waitFor(childPid, 10_000, 'the stand-in worker to start its child')) };
}

describe("the trainer's parent watchdog", function () {
  this.timeout(120_000);
  let workDir: string;
  let leaderPid: number | undefined;

  beforeEach(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-watchdog-'));
    leaderPid = undefined;
  });
  afterEach(() => {
    // Should an assertion fail, what the test started must not outlive it.
    if (leaderPid !== undefined && liveProcessesInGroup(leaderPid).length > 0) process.kill(-leaderPid, 'SIGKILL');
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('stops a training whose worker was killed, although its output is still read', async () => {
    const configFile = path.join(workDir, 'train-config.json');
    fs.writeFileSync(configFile, JSON.stringify(endlessTrainingConfig(workDir)));
    const { standIn, stdout, stderr, childPid } = underStandInWorker('shared', [pythonBin, '-m', 'tempered_trainer', 'train', '--config', configFile]);
    const trainer = (leaderPid = await childPid());
    await waitFor(() => stdout.some((line) => line.includes('"event": "step"')), 90_000, 'the first training step');

    standIn.kill('SIGKILL');
    await waitFor(() => !isRunning(trainer), 3_000, `trainer ${trainer} to stop after its worker died`);
    await waitFor(() => stderr.some((line) => line.includes(`parent process ${standIn.pid} is gone`)), 3_000, "the watchdog's notice on stderr");
  });

  /** A stand-in for a trainer that started a process of its own, then is silent or keeps writing. */
  const startsAChild = (then: 'silent' | 'writing') =>
    [
      'import subprocess, time',
      'from tempered_trainer.watchdog import watch_parent',
      'watch_parent()',
      "print(subprocess.Popen(['sleep', '120']).pid, flush=True)",
      then === 'silent' ? 'time.sleep(120)' : "while True: print('step', flush=True); time.sleep(0.05)",
    ].join('\n');

  for (const [then, title] of [
    ['silent', 'ends a silent trainer whose pipes broke with its worker, and everything it started'],
    ['writing', 'takes along what the trainer started when the trainer dies first, of its broken pipe'],
  ] as const) {
    it(title, async () => {
      const { standIn, stdout, childPid } = underStandInWorker('own', [pythonBin, '-c', startsAChild(then)]);
      const leader = (leaderPid = await childPid());
      const grandchild = Number(await waitFor(() => stdout[0], 10_000, 'the pid of the process the trainer started'));
      assert.deepEqual(liveProcessesInGroup(leader).sort((a, b) => a - b), [leader, grandchild].sort((a, b) => a - b));

      standIn.kill('SIGKILL');
      await waitFor(() => liveProcessesInGroup(leader).length === 0, 3_000, `the process group of ${leader} to end`);
    });
  }
});
