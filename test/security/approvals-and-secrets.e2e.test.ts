import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { signStatement } from '../../src/approvals/signature';
import { openArtifactStore } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import type { ApprovalDecisionInput, ApprovalStatement } from '../../src/pipeline/types';
import { fineTuningPipeline } from '../../src/workflows';
import { approveDeploymentUpdate, monitoringStateQuery, rejectDeploymentUpdate, statusQuery, stopMonitoringSignal } from '../../src/workflows/messages';
import { useTestApprovers, type TestApprover } from '../support/approvers';
import { useTestCatalogue } from '../support/catalogue';
import { historyText } from '../support/history-text';
import { SEAWEEDFS_CREDENTIALS, startSeaweedFs, type SeaweedFs } from '../support/seaweedfs';
import { maybeRecordHistory, startTemporal, startWorkers, workflowBundle, type RunningWorkers } from '../support/temporal';

/**
 * A human-approved deployment with every secret of a real installation configured on the workers: S3
 * credentials, approver keys, an alert webhook whose URL carries a token. Only a correctly signed decision
 * deploys, and none of the secrets reaches workflow history.
 */
describe('signed approvals and secrets kept out of history', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  let s3: SeaweedFs;
  let webhook: http.Server;
  let approvers: Record<string, TestApprover>;
  const alerts: { url: string; body: { text: string } }[] = [];
  const webhookToken = `T0K3N-${randomBytes(12).toString('hex')}`;
  let webhookUrl: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    s3 = await startSeaweedFs();
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        alerts.push({ url: req.url ?? '', body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hooks/${webhookToken}`;
    const targets = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alert-targets-')), 'targets.yaml');
    fs.writeFileSync(targets, `ops-chat: ${webhookUrl}\n`);
    const workerEnv: Record<string, string> = {
      TEMPERED_ARTIFACTS: `s3://${s3.bucket}/pipelines`,
      TEMPERED_S3_ENDPOINT: s3.endpoint,
      AWS_ACCESS_KEY_ID: SEAWEEDFS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SEAWEEDFS_CREDENTIALS.secretAccessKey,
      TEMPERED_ALERT_TARGETS: targets,
    };
    for (const [k, v] of Object.entries(workerEnv)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    approvers = useTestApprovers(['ana', 'mallory']);
    useTestCatalogue({
      'tiny-support-human': {
        deployment: { approval: { mode: 'human', approvers: ['ana'], timeout: '10m' } },
        monitoring: { enabled: true, interval: '1h', thresholds: { min_samples: 5 }, alert: { target: 'ops-chat' } },
      },
    });
    env = await startTemporal();
    workers = await startWorkers(env);
  });
  after(async () => {
    await workers?.stop();
    await env?.teardown();
    webhook?.close();
    await s3?.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const refusalOf = async (handle: WorkflowHandle, decision: 'approve' | 'reject', input: unknown) => {
    const update = decision === 'approve' ? approveDeploymentUpdate : rejectDeploymentUpdate;
    const err = await handle.executeUpdate(update, { args: [input as ApprovalDecisionInput] }).then(
      () => assert.fail('the decision should have been refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowUpdateFailedError);
    return err.cause?.message ?? '';
  };

  it('deploys only on a correctly signed decision by a listed approver, and no secret appears in any history', async () => {
    const handle = await env.client.workflow.start(fineTuningPipeline, {
      taskQueue: taskQueues().control,
      workflowId: `tiny-human-${Date.now()}`,
      args: [{ pipeline: 'tiny-support-human', overrides: { 'monitoring.interval': '1s' } }],
    });
    const { runId } = await handle.describe();

    const early = approvers.ana!.sign({ workflowId: handle.workflowId, runId, decision: 'approve', evidenceSha256: 'e'.repeat(64) });
    assert.match(await refusalOf(handle, 'approve', early), /no deployment waiting for approval/);

    let status = await handle.query(statusQuery);
    for (let i = 0; i < 240 && !status.awaitingApproval; i++) {
      await new Promise((r) => setTimeout(r, 500));
      status = await handle.query(statusQuery);
    }
    assert.ok(status.awaitingApproval, 'the deployment waits for a person');
    const evidenceSha256 = status.awaitingApproval.evidence.sha256;
    const forThisRun = { workflowId: handle.workflowId, runId, evidenceSha256 };

    assert.match(await refusalOf(handle, 'approve', { by: 'ana', comment: 'trust me' }), /sign the decision with `tempered approve\|reject`/, 'unsigned');
    assert.match(await refusalOf(handle, 'approve', approvers.mallory!.sign({ ...forThisRun, decision: 'approve' })), /mallory is not an approver of this pipeline \(approvers: ana\)/);
    const forged: ApprovalStatement = { kind: 'tempered.approval/v1', ...forThisRun, decision: 'approve', by: 'ana', signedAt: new Date().toISOString() };
    assert.match(
      await refusalOf(handle, 'approve', { statement: forged, signature: signStatement(forged, approvers.mallory!.privateKey) }),
      /the signature does not verify with ana's key/,
      'signed with another key',
    );
    const signedAnaDecision = approvers.ana!.sign({ ...forThisRun, decision: 'approve' });
    const tampered = { ...signedAnaDecision, statement: { ...signedAnaDecision.statement, comment: 'added later' } };
    assert.match(await refusalOf(handle, 'approve', tampered), /the signature does not verify with ana's key/, 'a changed comment');
    assert.match(
      await refusalOf(handle, 'approve', approvers.ana!.sign({ ...forThisRun, workflowId: 'another-pipeline-run', decision: 'approve' })),
      /the decision was signed for another-pipeline-run \(run .*\), not for this run/,
      'replayed from another workflow',
    );
    assert.match(
      await refusalOf(handle, 'approve', approvers.ana!.sign({ ...forThisRun, evidenceSha256: 'f'.repeat(64), decision: 'approve' })),
      /signed for evidence f{64}, but this deployment's evidence is [0-9a-f]{64}/,
      'replayed onto other evidence',
    );
    assert.match(await refusalOf(handle, 'reject', approvers.ana!.sign({ ...forThisRun, decision: 'approve' })), /the signed decision is "approve", not "reject"/);
    const stale = approvers.ana!.sign({ ...forThisRun, decision: 'approve', signedAt: new Date(Date.now() - 3_600_000).toISOString() });
    assert.match(await refusalOf(handle, 'approve', stale), /not within 10 minutes of now; sign it again/);
    assert.ok((await handle.query(statusQuery)).awaitingApproval, 'refused decisions leave the deployment waiting');

    const record = await handle.executeUpdate(approveDeploymentUpdate, { args: [approvers.ana!.sign({ ...forThisRun, decision: 'approve', comment: 'numbers look right' })] });
    assert.deepEqual([record.decision, record.by, record.comment, record.evidence.sha256], ['approved', 'ana', 'numbers look right', evidenceSha256]);
    assert.match(record.signed?.keyFingerprint ?? '', /^sha256:[0-9a-f]{16}$/);

    const result = await handle.result();
    assert.equal(result.outcome, 'deployed');
    assert.match(result.modelVersion!.model.uri, /^s3:\/\/tempered-test\/pipelines\/sha256\//);
    assert.ok(await openArtifactStore().exists(result.modelVersion!.model), 'the adapter is in the bucket');

    // Production goes wrong: the monitoring loop alerts the configured target, whose URL only the workers know.
    const monitor = env.client.workflow.getHandle(result.monitoringWorkflowId!);
    const now = Date.now();
    const events = Array.from({ length: 10 }, (_, i): LogEvent[] => {
      const at = new Date(now + i).toISOString();
      return [
        { type: 'request', id: `c${i}`, at, latency_s: 0.4, error: false, prompt_tokens: 5, completion_tokens: 5 },
        { type: 'feedback', id: `c${i}`, at, resolved: i < 2 },
      ];
    }).flat();
    await writeFeedbackBatch(openArtifactStore(), { pipeline: 'tiny-support-human', version: result.modelVersion!.version, arm: 'production' }, events);
    for (let i = 0; i < 120 && alerts.length === 0; i++) await new Promise((r) => setTimeout(r, 250));
    assert.equal(alerts[0]?.url, `/hooks/${webhookToken}`);
    assert.match(alerts[0]!.body.text, /tiny-support-human v1 breached its thresholds: accuracy 0\.200 < 0\.85/);
    assert.ok((await monitor.query(monitoringStateQuery)).alerts >= 1);
    await monitor.signal(stopMonitoringSignal);
    await monitor.result();

    const histories = [historyText(await handle.fetchHistory()), historyText(await monitor.fetchHistory())];
    // The scan sees decoded payloads: what is meant to be there is found.
    assert.ok(histories[0]!.includes(record.signed!.signature) && histories[0]!.includes('numbers look right'));
    assert.ok(histories[1]!.includes('ops-chat'), 'the monitoring history names the target');
    const secrets: Record<string, string> = {
      'webhook URL': webhookUrl,
      'webhook token': webhookToken,
      'S3 secret key': SEAWEEDFS_CREDENTIALS.secretAccessKey,
      'approver private key': approvers.ana!.privateKeyPem.split('\n')[1]!,
    };
    for (const text of histories) {
      for (const [what, secret] of Object.entries(secrets)) assert.ok(!text.includes(secret), `the ${what} appears in a history`);
    }

    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory());
    await maybeRecordHistory('pipeline-human-approval', env, handle.workflowId);
  });
});
