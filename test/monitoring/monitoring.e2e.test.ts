import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { openArtifactStore } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import type { MonitoringInput, MonitoringState } from '../../src/pipeline/types';
import { loadSpecFile } from '../../src/spec/load';
import { monitoringStateQuery, pauseMonitoringSignal, resumeMonitoringSignal, stopMonitoringSignal } from '../../src/workflows/messages';
import { tinySpecFile, useTestCatalogue } from '../support/catalogue';
import { maybeRecordHistory, startTemporal, startWorkers, useTempArtifactStore, workflowBundle, type RunningWorkers } from '../support/temporal';

describe('monitoringWorkflow on a real Temporal server', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  let webhook: http.Server;
  const alerts: { text: string }[] = [];

  before(async () => {
    useTempArtifactStore();
    useTestCatalogue();
    env = await startTemporal();
    // Only the control queue: the loop and its light activities. A started retraining waits for cpu/gpu workers.
    workers = await startWorkers(env, ['control']);
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        alerts.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    // The spec names a target; its URL is the workers' configuration.
    const targets = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alert-targets-')), 'targets.yaml');
    fs.writeFileSync(targets, `ops-chat: http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts\n`);
    process.env.TEMPERED_ALERT_TARGETS = targets;
  });
  after(async () => {
    webhook?.close();
    await workers?.stop();
    await env?.teardown();
  });

  const monitoringInput = (overrides: Partial<MonitoringInput['monitoring']>, checksPerRun: number): MonitoringInput => {
    const spec = loadSpecFile(tinySpecFile).spec;
    return {
      pipeline: 'tiny-support',
      modelVersion: 7,
      retrainInput: { pipeline: 'tiny-support' },
      monitoring: { ...spec.monitoring, interval: '1s', thresholds: { ...spec.monitoring.thresholds, min_samples: 5 }, ...overrides },
      queues: taskQueues(),
      checksPerRun,
    };
  };

  const waitFor = async (what: string, read: () => Promise<MonitoringState>, until: (s: MonitoringState) => boolean) => {
    let state: MonitoringState | undefined;
    for (let i = 0; i < 120; i++) {
      state = await read();
      if (until(state)) return state;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(state)}`);
  };

  it('alerts and starts one retraining when production accuracy drops, and carries its state across continue-as-new', async () => {
    const input = monitoringInput({ retraining: { trigger: 'on_breach' }, alert: { target: 'ops-chat' } }, 3);
    const workflowId = `monitor-test-${Date.now()}`;
    const handle = await env.client.workflow.start('monitoringWorkflow', { taskQueue: taskQueues().control, workflowId, args: [input] });
    const state = () => env.client.workflow.getHandle(workflowId).query(monitoringStateQuery);

    await waitFor('a first check without traffic', state, (s) => s.iterations >= 1);
    assert.equal((await state()).lastReport?.insufficient, true, 'no feedback yet: nothing is judged');

    const now = Date.now();
    const events: LogEvent[] = Array.from({ length: 10 }, (_, i): LogEvent[] => {
      const at = new Date(now - 100 + i).toISOString();
      return [
        { type: 'request', id: `c${i}`, at, latency_s: 0.5, error: false, prompt_tokens: 5, completion_tokens: 5 },
        { type: 'feedback', id: `c${i}`, at, resolved: i < 3 }, // 30% resolved, far below min_accuracy
      ];
    }).flat();
    await writeFeedbackBatch(openArtifactStore(), { pipeline: 'tiny-support', version: 7, arm: 'production' }, events);

    const breached = await waitFor('an alert', state, (s) => s.alerts >= 1 && s.retrainings.length === 1);
    assert.deepEqual(breached.lastReport?.breaches.length, 1);
    assert.match(alerts[0].text, /tiny-support v7 breached its thresholds: accuracy 0\.300 < 0\.85/);
    const retrain = env.client.workflow.getHandle(breached.retrainings[0]);
    assert.equal((await retrain.describe()).type, 'fineTuningPipeline');
    await retrain.terminate('test over');

    // Three checks per run: by now the loop has continued as new and kept its counters.
    const carried = await waitFor('continue-as-new', state, (s) => s.iterations >= 4);
    const latest = await env.client.workflow.getHandle(workflowId).describe();
    assert.notEqual(latest.runId, handle.firstExecutionRunId);
    assert.equal(carried.retrainings.length, 1, 'one retraining per breach streak');

    await env.client.workflow.getHandle(workflowId).signal(pauseMonitoringSignal);
    await waitFor('pause', state, (s) => s.paused);
    await new Promise((r) => setTimeout(r, 1500)); // a check already under way when the signal came may finish
    const paused = await state();
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal((await state()).iterations, paused.iterations, 'no checks while paused');
    await env.client.workflow.getHandle(workflowId).signal(resumeMonitoringSignal);
    await waitFor('resume', state, (s) => !s.paused && s.iterations > paused.iterations);

    await env.client.workflow.getHandle(workflowId).signal(stopMonitoringSignal);
    const final = await env.client.workflow.getHandle(workflowId).result();
    assert.ok(final.alerts >= 1);

    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await handle.fetchHistory());
    await maybeRecordHistory('monitoring-breach-retrain', env, workflowId, handle.firstExecutionRunId);
  });
});
