import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { venvDir } from '../../src/config/paths';
import { taskQueues } from '../../src/config/queues';
import { PipelineName } from '../../src/pipeline/search-attributes';
import { launchBrowser } from '../support/browser';
import { useTestCatalogue } from '../support/catalogue';
import { tempered } from '../support/cli';
import { freePort } from '../support/ports';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'tempered.js');

/**
 * The path a user takes in the Temporal Web UI, in a real browser: `tempered dev` (the embedded server and the three
 * workers), its Web UI's start form filled in as a person would, the run followed to its end in the workflow list.
 */
describe('the Web UI of tempered dev, in headless Chromium', function () {
  this.timeout(600_000);
  let dev: ChildProcess;
  let output = '';
  let ui: string;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let connection: Connection;
  let browser: Browser;
  let context: BrowserContext;
  const consoleErrors: string[] = [];

  before(async function () {
    useTestCatalogue();
    const [port, uiPort] = [await freePort(), await freePort()];
    env = {
      ...process.env,
      TEMPERED_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-webui-')),
      TEMPERED_VENV: venvDir,
      TEMPERED_ARTIFACTS: fs.mkdtempSync(path.join(os.tmpdir(), 'tempered-webui-artifacts-')),
      TEMPERED_DEV_PORT: String(port),
      TEMPERED_DEV_UI_PORT: String(uiPort),
    };
    delete env.TEMPORAL_ADDRESS;
    dev = spawn(process.execPath, [cli, 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    dev.stdout!.on('data', (d) => (output += d));
    dev.stderr!.on('data', (d) => (output += d));
    for (let i = 0; i < 480 && !output.includes('workers running'); i++) await new Promise((r) => setTimeout(r, 250));
    assert.match(output, /workers running/, output);
    ui = `http://127.0.0.1:${uiPort}`;
    connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    client = new Client({ connection });
    ({ browser, context } = await launchBrowser());
  });

  after(async () => {
    await browser?.close();
    await connection?.close();
    if (dev && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGTERM');
      await exited;
    }
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    // The UI's news feed asks an outside host, which this machine cannot reach: that failure is not the UI's.
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('ERR_NAME_NOT_RESOLVED') && consoleErrors.push(m.text()));
    await page.goto(url, { waitUntil: 'networkidle' });
    return page;
  }

  /** The workflow list filtered by pipeline name, as a user would search it, until it shows `workflowId` completed. */
  async function listedAsCompleted(workflowId: string, pipeline: string): Promise<string> {
    const page = await open(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`PipelineName="${pipeline}"`)}`);
    try {
      let text = '';
      for (let i = 0; i < 30; i++) {
        text = (await page.textContent('body')) ?? '';
        if (text.includes(workflowId) && /Completed/.test(text)) break;
        await page.waitForTimeout(1000);
        await page.reload({ waitUntil: 'networkidle' });
      }
      return text;
    } finally {
      await page.close();
    }
  }

  it('starts a pipeline from the start-workflow form and lists it, completed, under its pipeline name', async () => {
    const workflowId = `webui-start-${Date.now()}`;
    const page = await open(`${ui}/namespaces/default/workflows/start-workflow`);
    await page.fill('#workflowId', workflowId);
    await page.fill('#taskQueue', taskQueues().control);
    await page.fill('#workflowType', 'fineTuningPipeline');
    await page.click('[aria-label="Data"]');
    await page.keyboard.insertText('{ "pipeline": "tiny-support" }');
    // Leaving the editor formats the JSON and moves the button: click it once the form has settled.
    await page.locator('h1').click();
    await page.waitForTimeout(500);
    await page.locator('[data-testid="start-workflow-button"]').click();
    const handle = client.workflow.getHandle(workflowId);
    for (let i = 0; i < 40 && !(await handle.describe().then(() => true, () => false)); i++) await page.waitForTimeout(250);
    await page.close();

    const result = await handle.result();
    assert.equal(result.outcome, 'deployed');
    assert.equal((await handle.describe()).typedSearchAttributes.get(PipelineName), 'tiny-support');
    const listed = await listedAsCompleted(workflowId, 'tiny-support');
    assert.ok(listed.includes(workflowId), `the list filtered by PipelineName shows ${workflowId}`);
    assert.deepEqual(consoleErrors, [], 'no console errors in the UI');
  });

  it('finds a run started from the CLI, as the demo starts it, by its pipeline name', async () => {
    const workflowId = `webui-cli-${Date.now()}`;
    const run = await tempered(['run', 'tiny-support', '--id', workflowId, '--wait'], env);
    assert.equal(run.code, 0, run.stderr);
    const listed = await listedAsCompleted(workflowId, 'tiny-support');
    assert.ok(listed.includes(workflowId), `the list filtered by PipelineName shows ${workflowId}`);
    assert.deepEqual(consoleErrors, []);
  });
});
