import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openArtifactStore, type ArtifactStore } from '../../src/artifacts/store';
import { readFeedbackWindow } from '../../src/serving/feedback-log';
import { lastJsonLine, tempered } from '../support/cli';
import { registerTinyVersion } from '../support/served-registry';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'tempered.js');
const PIPELINE = 'cli-serve';

describe('tempered models and tempered serve', function () {
  this.timeout(600_000);
  let dir: string;
  let store: ArtifactStore;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-cli-serve-'));
    store = openArtifactStore({ kind: 'local', dir });
    env = { TEMPERED_ARTIFACTS: dir, TEMPERED_ARTIFACTS_S3_BUCKET: '' };
    await registerTinyVersion(store, PIPELINE, 'v1');
    await registerTinyVersion(store, PIPELINE, 'v2');
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const models = async (...args: string[]) => {
    const run = await tempered(['models', ...args, '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    return lastJsonLine(run.stdout);
  };

  it('lists versions with their stages, rolls back to the previous production version and promotes again', async () => {
    const listed = await models('list', PIPELINE);
    assert.deepEqual(listed.versions.map((v: { version: number; stage: string }) => `v${v.version} ${v.stage}`), ['v1 archived', 'v2 production']);
    assert.deepEqual(await models('rollback', PIPELINE, '--by', 'ana', '--reason', 'complaints'), { pipeline: PIPELINE, production: 1, rolledBack: 2 });
    assert.deepEqual(await models('promote', PIPELINE, 'v2', '--by', 'ana'), { pipeline: PIPELINE, production: 2, replaced: 1 });
    const shown = await models('show', PIPELINE, '1');
    assert.equal(shown.stage, 'archived');
    assert.deepEqual(shown.history.map((h: { stage: string; by: string }) => `${h.stage} by ${h.by}`), [
      'candidate by pipeline',
      'production by pipeline',
      'archived by pipeline',
      'production by ana',
      'archived by ana',
    ]);
    assert.equal(shown.lineage.approval.by, 'ana', 'the lineage holds the approval');
    assert.ok(shown.lineage.data.test.sha256 && shown.lineage.gate && shown.lineage.codeVersion !== undefined);
  });

  it('says which versions exist when asked for one that does not', async () => {
    const run = await tempered(['models', 'promote', PIPELINE, '7'], env);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /cli-serve has no version 7 \(registered: v1, v2\)/);
  });

  it('serves the production version over HTTP with an API key, follows a rollback, and writes the feedback log on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'serve', PIPELINE, '--port', '0', '--threads', '1', '--spin', '--reload-interval', '1'], {
      env: { ...process.env, ...env, TEMPERED_SERVE_API_KEYS: 'key-a, key-b' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; i < 240 && !/listening on /.test(stdout); i++) await new Promise((r) => setTimeout(r, 250));
      const url = /listening on (\S+)/.exec(stdout)?.[1];
      assert.ok(url, `the server started: ${stdout}${stderr}`);
      const ask = (key: string | null) =>
        fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body: JSON.stringify({ messages: [{ role: 'user', content: 'Where is my order?' }], max_tokens: 4, user: 'ana' }),
        });
      assert.equal((await ask(null)).status, 401);
      const first = await ask('key-b');
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('x-tempered-version'), '2');

      await models('rollback', PIPELINE, '--by', 'ana');
      let version: string | null = null;
      for (let i = 0; i < 40 && version !== '1'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        version = (await ask('key-a')).headers.get('x-tempered-version');
      }
      assert.equal(version, '1', 'the server follows the registry to the restored version');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /stopped/);
    const logged = await readFeedbackWindow(store, PIPELINE, 2, { from: null, to: new Date().toISOString() });
    assert.ok(logged.requests.length >= 1, 'requests answered before the shutdown are in the log');
    assert.ok(logged.requests.every((r) => r.prompt === undefined), 'no text in the log: the spec does not allow it');
  });
});
