import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approverKeys } from '../../src/config/approvers';
import { useTestApprovers, type TestApprover } from '../support/approvers';
import { tinySpecFile as tinySpec, useTestCatalogue } from '../support/catalogue';
import { startTemporal } from '../support/temporal';
import { lastJsonLine, tempered } from '../support/cli';




describe('tempered CLI', function () {
  this.timeout(240_000);
  let approvers: Record<string, TestApprover>;
  before(() => {
    // The CLI and the workers it runs with --local-workers read these from the environment it inherits.
    useTestCatalogue({
      'tiny-support-strict': { requirements: { success_metrics: { accuracy: '>= 0.99' } } },
      // The approval flow under test; with monitoring off, the readiness checklist would stop the deployment first.
      'tiny-support-human': { deployment: { approval: { mode: 'human', approvers: ['ana'] } }, monitoring: { enabled: false }, readiness: { enabled: false } },
    });
    approvers = useTestApprovers(['ana', 'mallory']);
  });

  it('rejects a bad spec before starting anything, listing each problem with file and line (exit 2)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-spec-'));
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, fs.readFileSync(tinySpec, 'utf8').replace('epochs: 1', 'epochs: zero').replace('method: lora', 'method: lorra'));
    const { code, stderr } = await tempered(['run', file], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    assert.equal(code, 2);
    assert.match(stderr, /bad\.yaml:\d+:\d+: training\.method: Invalid option: expected one of "lora"\|"qlora"\|"full"/);
    assert.match(stderr, /bad\.yaml:\d+:\d+: training\.epochs: Invalid input: expected number, received string|training\.epochs: expected number, received string/);
  });

  it('refuses, before starting anything, overrides of policy fields and files outside the catalogue (exit 2)', async () => {
    const offline = { TEMPORAL_ADDRESS: '127.0.0.1:1' };
    const policy = await tempered(['run', 'tiny-support-human', '--set', 'deployment.approval.mode=auto'], offline);
    assert.equal(policy.code, 2);
    assert.match(policy.stderr, /override refused:\n\s+<overrides>: deployment\.approval\.mode: cannot be overridden at run time; change the pipeline file instead\. Tunable fields: training\.epochs/);
    const pollution = await tempered(['run', 'tiny-support', '--set', '__proto__.polluted=1'], offline);
    assert.equal(pollution.code, 2);
    assert.match(pollution.stderr, /__proto__\.polluted: not a spec field/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-spec-'));
    fs.copyFileSync(tinySpec, path.join(dir, 'mine.yaml'));
    const outside = await tempered(['run', path.join(dir, 'mine.yaml')], offline);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /mine\.yaml: \(spec\): not in the pipeline catalogue/);
  });

  it('makes an approver key pair whose public half the workers accept, and never overwrites a key', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-keygen-')), 'zoe.pem');
    const made = await tempered(['keygen', '--name', 'zoe', '--out', out, '--json']);
    assert.equal(made.code, 0, made.stderr);
    const line: string = lastJsonLine(made.stdout).approverKeysLine;
    assert.match(line, /^zoe: MCowBQYDK2VwAyEA[A-Za-z0-9+/=]+$/);
    assert.equal(fs.statSync(out).mode & 0o777, 0o600);
    const keysFile = path.join(path.dirname(out), 'keys.yaml');
    fs.writeFileSync(keysFile, `${line}\n`);
    assert.equal(approverKeys({ TEMPERED_APPROVER_KEYS: keysFile }).get('zoe')?.asymmetricKeyType, 'ed25519');
    const again = await tempered(['keygen', '--name', 'zoe', '--out', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /EEXIST/);
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
        ['run', 'tiny-support-strict', '--wait', '--json', '--local-workers', '--id', id],
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

      const approve = await tempered(['approve', id, '--by', 'ana', '--key', approvers.ana!.keyFile], serverEnv);
      assert.equal(approve.code, 1);
      assert.match(approve.stderr, /completed|no deployment waiting/i);
    });

    it('shows a deployment waiting for approval and lets a listed approver approve it, signed, from another shell', async () => {
      const id = `cli-approve-${Date.now()}`;
      const run = tempered(['run', 'tiny-support-human', '--wait', '--json', '--local-workers', '--id', id], serverEnv);
      let status = await tempered(['status', id], serverEnv);
      for (let i = 0; i < 240 && !status.stdout.includes('waiting for approval'); i++) {
        await new Promise((r) => setTimeout(r, 500));
        status = await tempered(['status', id], serverEnv);
      }
      assert.match(status.stdout, /waiting for approval by ana until \S+\n\s+evidence: file:\/\/\S+/);

      const refused = await tempered(['reject', id, '--by', 'mallory', '--key', approvers.mallory!.keyFile], serverEnv);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /reject refused: mallory is not an approver of this pipeline \(approvers: ana\)/);
      const impostor = await tempered(['approve', id, '--by', 'ana', '--key', approvers.mallory!.keyFile], serverEnv);
      assert.equal(impostor.code, 1);
      assert.match(impostor.stderr, /approve refused: the signature does not verify with ana's key/);
      const keyless = await tempered(['approve', id, '--by', 'ana'], { ...serverEnv, TEMPERED_APPROVER_KEY: '' });
      assert.equal(keyless.code, 1);
      assert.match(keyless.stderr, /no approver key: set TEMPERED_APPROVER_KEY/);

      const approved = await tempered(['approve', id, '--by', 'ana', '--comment', 'checked the evidence'], { ...serverEnv, TEMPERED_APPROVER_KEY: approvers.ana!.keyFile });
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
