import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporalBin, venvDir } from '../../src/config/paths';
import { isServing } from '../../src/devserver/dev-server';
import { freePort } from '../support/ports';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'tempered.js');

describe('tempered dev', function () {
  this.timeout(90_000);

  it('starts the embedded server with a SQLite file under .tempered, the Web UI and the search attributes, and stops it on TERM', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-dev-'));
    const [port, uiPort] = [await freePort(), await freePort()];
    const env: NodeJS.ProcessEnv = { ...process.env, TEMPERED_HOME: home, TEMPERED_VENV: venvDir, TEMPERED_DEV_PORT: String(port), TEMPERED_DEV_UI_PORT: String(uiPort) };
    delete env.TEMPORAL_ADDRESS;
    const dev = spawn(process.execPath, [cli, 'dev', '--no-workers'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    dev.stdout.on('data', (d) => (output += d));
    dev.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => dev.once('exit', resolve));
    try {
      for (let i = 0; i < 240 && !output.includes('started Temporal'); i++) await new Promise((r) => setTimeout(r, 250));
      assert.match(output, new RegExp(`started Temporal at 127\\.0\\.0\\.1:${port}; Web UI http://127\\.0\\.0\\.1:${uiPort}/`));
      assert.ok(fs.existsSync(path.join(home, 'temporal.db')), 'history persists in .tempered/temporal.db');

      const { stdout } = await promisify(execFile)(temporalBin, ['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${port}`, '-o', 'json']);
      const custom = JSON.parse(stdout).customAttributes ?? {};
      assert.deepEqual([custom.PipelineName, custom.PipelinePhase], ['INDEXED_VALUE_TYPE_KEYWORD', 'INDEXED_VALUE_TYPE_KEYWORD']);

      const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
      assert.equal(ui.status, 200);
    } finally {
      dev.kill('SIGTERM');
    }
    await exited;
    for (let i = 0; i < 40 && (await isServing(`127.0.0.1:${port}`, 500)); i++) await new Promise((r) => setTimeout(r, 250));
    assert.equal(await isServing(`127.0.0.1:${port}`, 500), false, 'the server stops with the command');
  });
});
