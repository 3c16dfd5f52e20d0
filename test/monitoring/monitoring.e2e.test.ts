import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { writeFeedbackBatch, type LogEvent } from '../../src/serving/feedback-log';
import { openArtifactStore, type ArtifactRef } from '../../src/artifacts/store';
import { taskQueues } from '../../src/config/queues';
import type { MonitoringInput, MonitoringState, PhaseStatus } from '../../src/pipeline/types';
import { loadSpecFile } from '../../src/spec/load';
import { checkMonitoringNowSignal, monitoringStateQuery, statusQuery, pauseMonitoringSignal, resumeMonitoringSignal, stopMonitoringSignal } from '../../src/workflows/messages';
import { tinySpecFile, useTestCatalogue } from '../support/catalogue';
import { maybeRecordHistory, startTemporal, startWorkers, useTempArtifactStore, workflowBundle, type RunningWorkers } from '../support/temporal';

const LEARNING = 'tiny-support-learning';
const PRODUCTION_QUESTIONS = Array.from({ length: 10 }, (_, i) => `Which of your ${i + 2} stores near Lakeview stocks the Aurora ${i + 1} lamp?`);

describe('monitoringWorkflow on a real Temporal server', function () {
  this.timeout(180_000);
  let env: TestWorkflowEnvironment;
  let workers: RunningWorkers;
  let webhook: http.Server;
  const alerts: { text: string }[] = [];

  before(async () => {
    useTempArtifactStore();
    // A pipeline that learns from its production feedback: the serving log keeps questions and answers.
    useTestCatalogue({ [LEARNING]: { data: { production_feedback: { include: true } }, deployment: { serving: { log_text: true } } } });
    env = await startTemporal();
    // No gpu queue: a started retraining gets through its data phase, then waits to be trained.
    workers = await startWorkers(env, ['control', 'cpu']);
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
      pipeline: LEARNING,
      modelVersion: 7,
      retrainInput: { pipeline: LEARNING },
      monitoring: { ...spec.monitoring, interval: '1s', thresholds: { ...spec.monitoring.thresholds, min_samples: 5 }, ...overrides },
      queues: taskQueues(),
      checksPerRun,
    };
  };

  /** The train split the pipeline's data phase stored, found through its activity's result in the history. */
  const preparedTrainSplit = async (handle: WorkflowHandle): Promise<string[]> => {
    const history = await handle.fetchHistory();
    for (const event of history.events ?? []) {
      const payload = event.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
      const result = payload ? defaultPayloadConverter.fromPayload<{ train?: ArtifactRef; counts?: unknown }>(payload) : null;
      if (result?.train && result.counts) {
        return (await openArtifactStore().getBytes(result.train)).toString('utf8').trimEnd().split('\n');
      }
    }
    throw new Error('no prepared data in the history');
  };

  const waitFor = async (what: string, read: () => Promise<MonitoringState>, until: (s: MonitoringState) => boolean, polls = 120) => {
    let state: MonitoringState | undefined;
    for (let i = 0; i < polls; i++) {
      state = await read();
      if (until(state)) return state;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(state)}`);
  };

  it('alerts and starts one retraining that learns from the feedback when production accuracy drops, and carries its state across continue-as-new', async () => {
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
        { type: 'request', id: `c${i}`, at, latency_s: 0.5, error: false, prompt_tokens: 5, completion_tokens: 5, prompt: PRODUCTION_QUESTIONS[i]!, answer: `Answer ${i}: ask in store ${i}.` },
        { type: 'feedback', id: `c${i}`, at, resolved: i < 3 }, // 30% resolved, far below min_accuracy
      ];
    }).flat();
    await writeFeedbackBatch(openArtifactStore(), { pipeline: LEARNING, version: 7, arm: 'production' }, events);

    const breached = await waitFor('an alert', state, (s) => s.alerts >= 1 && s.retrainings.length === 1);
    assert.deepEqual(breached.lastReport?.breaches.length, 1);
    assert.match(alerts[0].text, /tiny-support-learning v7 breached its thresholds: accuracy 0\.300 < 0\.85/);
    const retrain = env.client.workflow.getHandle(breached.retrainings[0]);
    assert.equal((await retrain.describe()).type, 'fineTuningPipeline');
    // The retraining's data is the spec's sources plus the three answers users marked resolved.
    let data: PhaseStatus | undefined;
    for (let i = 0; i < 240 && data?.state !== 'completed'; i++) {
      data = (await retrain.query(statusQuery)).phases.find((p) => p.name === 'data');
      if (data?.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(data?.state, 'completed', JSON.stringify(data));
    assert.equal(data.summary.feedback, 3);
    const train = await preparedTrainSplit(retrain);
    const learnt = train.filter((line) => line.includes('"production-feedback"'));
    assert.deepEqual(
      learnt.map((line) => (JSON.parse(line) as { messages: { content: string }[] }).messages.at(-1)!.content),
      ['Answer 0: ask in store 0.', 'Answer 1: ask in store 1.', 'Answer 2: ask in store 2.'],
    );
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

  it('keeps its history bounded over 1,000 checks by continuing as new', async function () {
    this.timeout(900_000);
    // The server fires timers at one-second resolution: checks asked for by signal come as fast as it turns them
    // around, through the same loop, on a version without traffic. What is measured is the history.
    const base = monitoringInput({}, 100);
    const input: MonitoringInput = { ...base, modelVersion: 1000, monitoring: { ...base.monitoring, interval: '1h' } };
    const workflowId = `monitor-bounded-${Date.now()}`;
    await env.client.workflow.start('monitoringWorkflow', { taskQueue: taskQueues().control, workflowId, args: [input] });
    const handle = env.client.workflow.getHandle(workflowId);
    let iterations = 0;
    while (iterations < 1000) {
      await handle.signal(checkMonitoringNowSignal);
      // A signal that reached a run as it continued as new is asked again.
      for (let i = 0; i < 100; i++) {
        const now = (await handle.query(monitoringStateQuery)).iterations;
        if (now > iterations) {
          iterations = now;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await handle.signal(stopMonitoringSignal);
    assert.ok((await handle.result()).iterations >= 1000);

    const runs: number[] = [];
    for await (const run of env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(run.historyLength);
    assert.ok(runs.length >= 10, `1,000 checks at 100 a run take at least 10 runs, saw ${runs.length}`);
    // Under a dozen events a check: a run stays near 1,200 events however long the loop goes on.
    assert.ok(Math.max(...runs) < 1500, `run lengths ${runs.join(', ')}`);
  });
});
