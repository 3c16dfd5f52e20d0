import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Browser, BrowserContext } from 'playwright-core';
import { registerModel } from '../../src/activities/deployment/registry';
import { openArtifactStore } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import type { PipelineResult } from '../../src/pipeline/types';
import { parseLossCurve } from '../../src/report/loss-curve';
import { fineTuningPipeline } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/messages';
import { useTestApprovers, type TestApprover } from '../support/approvers';
import { launchBrowser } from '../support/browser';
import { useTestCatalogue } from '../support/catalogue';
import { lastJsonLine, tempered } from '../support/cli';
import { approvedRun } from '../support/registrations';
import { readPageFindings } from './page-findings';
import { fixtures, startTemporal, startWorkers, useTempArtifactStore, workflowBundle, type RunningWorkers } from '../support/temporal';

const OBJECTIVE = 'Answer <b>support</b> questions & "refunds" <script>document.title = "pwned"</script>';

/**
 * The run report of real pipeline runs on the tiny model: a run waiting for a person's approval and then deployed
 * to an A/B test, and a run that fails on bad data. The stored report is opened in headless Chromium; `tempered
 * report` and `tempered status` run as a user runs them.
 */
describe('the run report of real pipeline runs', function () {
  this.timeout(1_200_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  let browser: Browser;
  let context: BrowserContext;
  let ana: TestApprover;
  let cliEnv: NodeJS.ProcessEnv;
  let out: string;
  let handle: WorkflowHandle<typeof fineTuningPipeline>;
  let result: PipelineResult;

  before(async () => {
    useTempArtifactStore();
    useTestCatalogue({
      'tiny-support-report': {
        requirements: { business_objective: OBJECTIVE },
        evaluation: { retrieval: { arms: true, k: 2 } },
        deployment: { approval: { mode: 'human', approvers: ['ana'] }, ab_test: { enabled: true, treatment_share: 0.2 } },
      },
      'tiny-support-report-bad-data': { data: { sources: [{ type: 'chat_logs', path: path.join(fixtures, 'bad-data', 'chat-malformed.jsonl') }] } },
    });
    ana = useTestApprovers(['ana']).ana!;
    env = await startTemporal();
    workers = await startWorkers(env);
    ({ browser, context } = await launchBrowser());
    cliEnv = { TEMPORAL_ADDRESS: env.address };
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'report-out-'));
    // A production version, so the new one goes to an A/B test against it.
    const store = openArtifactStore();
    const production = await approvedRun(store);
    await registerModel({ ...production, spec: { ...production.spec, name: 'tiny-support-report' } }, store);
  });
  after(async () => {
    for (const id of [result?.abTestWorkflowId, result?.monitoringWorkflowId]) {
      if (id) await env.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    }
    await browser?.close();
    await workers?.stop();
    await env?.teardown();
  });

  it('makes the report of a run waiting for approval from its status query', async () => {
    handle = await env.client.workflow.start(fineTuningPipeline, { taskQueue: taskQueues().control, workflowId: `tiny-report-${Date.now()}`, args: [{ pipeline: 'tiny-support-report' }] });
    for (let i = 0; i < 1200 && !(await handle.query(statusQuery)).awaitingApproval; i++) await new Promise((r) => setTimeout(r, 500));
    assert.ok((await handle.query(statusQuery)).awaitingApproval, 'the run reached the approval');

    const file = path.join(out, 'waiting.html');
    const made = await tempered(['report', handle.workflowId, '-o', file, '--json'], cliEnv);
    assert.equal(made.code, 0, made.stderr);
    assert.deepEqual([lastJsonLine(made.stdout).workflowStatus, lastJsonLine(made.stdout).problems], ['RUNNING', []]);
    const page = fs.readFileSync(file, 'utf8');
    assert.match(page, /Waiting for approval by ana until \S+; the evidence to decide on is <code class="uri">file:\/\//);
    assert.match(page, /<svg [^>]*id="chart-loss"/, 'training has ended: its curve is in');
    assert.match(page, /<section id="lineage"><h2>8 Lineage<\/h2><p>Not registered yet: the run is in its deployment phase\. The lineage below is the export's\.<\/p>/);
    assert.match(page, /<section id="ab-test"><h2>7 A\/B test<\/h2><p class="absent">The deployment phase is running; this part is filled in when it ends\.<\/p>/);
    assert.match(page, /font: 15px\/1\.5 system-ui, -apple-system, "Segoe UI"/, 'the style sheet is as written');
  });

  it('stores the report at the end of the run: one file that loads nothing, with drawn charts, filled tables and legible text', async () => {
    const approve = await tempered(['approve', handle.workflowId, '--by', 'ana', '--key', ana.keyFile], cliEnv);
    assert.equal(approve.code, 0, approve.stderr);
    result = await handle.result();
    assert.deepEqual([result.outcome, result.modelVersion?.stage], ['deployed', 'staging']);
    const store = openArtifactStore();
    // The trainer's log of every step, stored by the training activity: 12 steps, an evaluation every 4.
    const curve = parseLossCurve(await store.getJson(result.training.curve!), 'the loss curve');
    assert.deepEqual([curve.train.map(([step]) => step), curve.validation.map(([step]) => step)], [Array.from({ length: 12 }, (_, i) => i + 1), [4, 8, 12]]);
    assert.ok(result.report?.artifact, `a stored report: ${JSON.stringify(result.report)}`);
    assert.deepEqual((await handle.query(statusQuery)).report, result.report, 'the status says where the report is');
    const html = (await store.getBytes(result.report.artifact)).toString('utf8');

    const requests: string[] = [];
    const consoleErrors: string[] = [];
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.setContent(html, { waitUntil: 'load' });
    const found = await readPageFindings(page);
    await page.close();

    assert.deepEqual(requests, [], 'the page asks for nothing');
    assert.deepEqual(consoleErrors, []);
    assert.deepEqual(found.illegible, []);
    assert.deepEqual(found.charts.map((c) => c.id).sort(), ['chart-accuracy', 'chart-chrf', 'chart-data', 'chart-loss', 'chart-rouge-l', 'chart-token-f1', 'chart-token-f1-gain']);
    for (const chart of found.charts) {
      assert.ok(chart.width > 100 && chart.height > 50, `${chart.id} takes room on the page`);
      assert.ok(chart.drawnPaths > 0 && chart.drawnPaths <= chart.paths, `${chart.id} draws its paths: ${JSON.stringify(chart)}`);
    }
    assert.deepEqual(found.charts.find((c) => c.id === 'chart-loss')?.vertices, [12, 3], 'a vertex per logged step and per evaluation');
    for (const t of found.tables) assert.ok(t.rows > 0, `a table of #${t.section} has rows`);
    assert.match(found.textOf.evaluation!, /\nbase\t/, 'the arms table lists the base model');
    for (const arm of ['fine-tuned', 'rag', 'hybrid']) assert.match(found.textOf.evaluation!, new RegExp(`\\n${arm}\\t\\d+\\t`), arm);
    // The spec's objective is shown as the text it is.
    assert.ok(found.textOf.plan!.includes(OBJECTIVE));
    assert.equal(found.injected, 0);
    assert.doesNotMatch(found.title, /pwned/);
    assert.match(found.textOf['ab-test']!, /running: v2 against production v1, 20% of users/);
    assert.match(found.textOf.gate!, /decision\s+approved\s+by\s+ana\s+how\s+by a person, signed with their key/);
    assert.match(found.textOf.lineage!, /tiny-support-report v2 \(staging\)/);
    assert.match(found.textOf.lineage!, /data report\s+file:\/\//);
    assert.match(found.textOf.readiness!, /security\.prompt_injection\s+ok/);

    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory());
  });

  it('writes the stored report of a finished run, or one made now with the A/B test\'s tallies; status says where it is', async () => {
    const storedFile = path.join(out, 'stored.html');
    const stored = await tempered(['report', handle.workflowId, '--stored', '-o', storedFile], cliEnv);
    assert.equal(stored.code, 0, stored.stderr);
    assert.ok(fs.readFileSync(storedFile).equals(await openArtifactStore().getBytes(result.report!.artifact!)), 'the bytes the run stored');

    const nowFile = path.join(out, 'now.html');
    const now = await tempered(['report', handle.workflowId, '-o', nowFile], cliEnv);
    assert.equal(now.code, 0, now.stderr);
    assert.match(now.stdout, new RegExp(`${handle.workflowId} \\(completed\\): report written to ${nowFile.replace(/[.]/g, '\\.')}`));
    assert.match(fs.readFileSync(nowFile, 'utf8'), /<td>treatment \(candidate\)<\/td><td class="num">\d+<\/td>/, 'the A/B test workflow\'s own tallies');

    const status = await tempered(['status', handle.workflowId], cliEnv);
    assert.equal(status.code, 0, status.stderr);
    assert.ok(status.stdout.includes(`  report: ${result.report!.artifact!.uri} (tempered report ${handle.workflowId} --stored -o report.html)`), status.stdout);
  });

  it('reports a run that failed on bad data: stored by the pipeline, and made again from its status by tempered report', async () => {
    const failed = await env.client.workflow.start(fineTuningPipeline, { taskQueue: taskQueues().control, workflowId: `tiny-report-bad-${Date.now()}`, args: [{ pipeline: 'tiny-support-report-bad-data' }] });
    await assert.rejects(failed.result());
    const status = await failed.query(statusQuery);
    const stored = (await openArtifactStore().getBytes(status.report!.artifact!)).toString('utf8');
    assert.match(stored, /<strong>Failed:<\/strong> <pre>[^<]*chat-malformed\.jsonl:3: invalid JSON/);

    const file = path.join(out, 'failed.html');
    const made = await tempered(['report', failed.workflowId, '-o', file, '--json'], cliEnv);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(lastJsonLine(made.stdout).workflowStatus, 'FAILED');
    const page = fs.readFileSync(file, 'utf8');
    assert.match(page, /<section id="data"><h2>2 Data quality<\/h2><p class="absent">The data phase failed: [^<]*chat-malformed\.jsonl:3: invalid JSON/);
    assert.match(page, /<section id="training"><h2>3 Training<\/h2><p class="absent">Not reached: the run failed in its data phase\.<\/p>/);
    assert.match(page, /Approach: <strong>fine-tuning<\/strong>/, 'the plan it made before failing');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await failed.fetchHistory());

    const unknown = await tempered(['report', 'no-such-run', '-o', path.join(out, 'nope.html')], cliEnv);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no pipeline run with workflow id no-such-run in namespace default/);
  });
});
