import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { fixtures, startTemporal } from '../support/temporal';

const cli = path.resolve(__dirname, '..', '..', '..', 'bin', 'tempered.js');
const tinySpec = path.join(fixtures, 'pipelines', 'tiny-support.yaml');

function tempered(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lastJsonLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

describe('tempered CLI', function () {
  this.timeout(240_000);

  it('rejects a bad spec before starting anything, listing each problem with file and line (exit 2)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-spec-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, fs.readFileSync(tinySpec, 'utf8').replace('epochs: 1', 'epochs: zero').replace('method: lora', 'method: lorra'));
    const { code, stderr } = await tempered(['run', file], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(code, 2);
    assert.match(stderr, /bad\.yaml:\d+:\d+: training\.method: Invalid option: expected one of "lora"\|"qlora"\|"full"/);
    assert.match(stderr, /bad\.yaml:\d+:\d+: training\.epochs: Invalid input: expected number, received string|training\.epochs: expected number, received string/);
  });

  describe('against a real server', () => {
    let env: TestWorkflowEnvironment;
    let serverEnv: NodeJS.ProcessEnv;
    before(async () => {
      env = await startTemporal();
      serverEnv = { TEMPORAL_ADDRESS: env.address, TEMPERED_ARTIFACTS: fs.mkdtempSync(path.join(os.tmpdir(), 'cli-artifacts-')) };
    });
    after(async () => env?.teardown());

    it('runs a pipeline to its end and exits 3 with a JSON summary when the gate fails', async () => {
      const id = `cli-gate-${Date.now()}`;
      const run = await tempered(
        ['run', tinySpec, '--wait', '--json', '--local-workers', '--id', id, '--set', 'requirements.success_metrics.accuracy=>= 0.99'],
        serverEnv,
      );
      assert.equal(run.code, 3, run.stderr);
      const summary = lastJsonLine(run.stdout);
      assert.equal(summary.workflowId, id);
      assert.equal(summary.outcome, 'gate-failed');
      const accuracy = summary.result.gate.checks.find((c: { metric: string }) => c.metric === 'accuracy');
      assert.deepEqual({ op: accuracy.op, threshold: accuracy.threshold, passed: accuracy.passed }, { op: '>=', threshold: 0.99, passed: false });
      assert.equal(summary.result.modelVersion, null);

      const status = await tempered(['status', id, '--json'], serverEnv);
      assert.equal(status.code, 0);
      const live = lastJsonLine(status.stdout);
      assert.equal(live.workflowStatus, 'COMPLETED');
      assert.equal(live.result.outcome, 'gate-failed');
      assert.equal(live.result.gate.passed, false);

      const approve = await tempered(['approve', id, '--by', 'ana'], serverEnv);
      assert.equal(approve.code, 1);
      assert.match(approve.stderr, /completed|no deployment waiting/i);
    });

    it('shows a deployment waiting for approval and lets a listed approver approve it from another shell', async () => {
      const id = `cli-approve-${Date.now()}`;
      const run = tempered(
        ['run', tinySpec, '--wait', '--json', '--local-workers', '--id', id, '--set', 'deployment.approval={"mode":"human","approvers":["ana"]}', '--set', 'monitoring.enabled=false'],
        serverEnv,
      );
      let status = await tempered(['status', id], serverEnv);
      for (let i = 0; i < 240 && !status.stdout.includes('waiting for approval'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        status = await tempered(['status', id], serverEnv);
      }
      assert.match(status.stdout, /waiting for approval by ana until \S+\n\s+evidence: file:\/\/\S+/);

      const refused = await tempered(['reject', id, '--by', 'mallory'], serverEnv);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /reject refused: mallory is not an approver of this pipeline \(approvers: ana\)/);

      const approved = await tempered(['approve', id, '--by', 'ana', '--comment', 'checked the evidence'], serverEnv);
      assert.equal(approved.code, 0, approved.stderr);
      assert.match(approved.stdout, /deployment approved by ana; evidence file:\/\//);

      const finished = await run;
      assert.equal(finished.code, 0, finished.stderr);
      const summary = lastJsonLine(finished.stdout);
      assert.equal(summary.outcome, 'deployed');
      assert.deepEqual([summary.result.approval.by, summary.result.approval.comment], ['ana', 'checked the evidence']);
    });
  });
});
