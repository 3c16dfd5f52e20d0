import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { taskQueues } from '../../src/config/queues';
import { fineTuningPipeline } from '../../src/workflows';
import { useTestCatalogue } from '../support/catalogue';
import { lastJsonLine, tempered } from '../support/cli';
import { freePort } from '../support/ports';
import { fixtures, startTemporal, useTempArtifactStore } from '../support/temporal';
import { OtlpCollector, type ReceivedSpan } from './otlp-collector';
import { parseExposition, samplesOf, valueOf, type Sample } from './prometheus-text';

const workersDir = path.resolve(__dirname, '..', '..', 'src', 'workers');

/** A worker entrypoint (`node dist/src/workers/<kind>.js`) as a deployment runs it, with its stderr kept. */
class WorkerProcess {
  readonly process: ChildProcess;
  stderr = '';
  stdout = '';
  readonly exited: Promise<number | null>;

  constructor(
    kind: 'control' | 'cpu',
    readonly metricsPort: number,
    env: NodeJS.ProcessEnv,
  ) {
    this.process = spawn(process.execPath, [path.join(workersDir, `${kind}.js`)], {
      env: { ...process.env, ...env, TEMPERED_METRICS_PORT: String(metricsPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stderr!.on('data', (d) => (this.stderr += d));
    this.process.stdout!.on('data', (d) => (this.stdout += d));
    this.exited = new Promise((resolve) => this.process.once('exit', resolve));
  }

  async metrics(): Promise<Sample[]> {
    const response = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseExposition(await response.text());
  }

  /** Every line it logged, each of which must be one JSON object. */
  logLines(): Record<string, unknown>[] {
    return this.stderr
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`a log line that is not JSON: ${line}`);
        }
      });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    await this.exited;
  }
}

async function until<T>(what: string, read: () => Promise<T | null> | T | null, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a worker process with metrics, JSON logs and tracing on', function () {
  this.timeout(600_000);
  const queues = taskQueues();
  let env: TestWorkflowEnvironment;
  let collector: OtlpCollector;
  let control: WorkerProcess;
  let cpu: WorkerProcess;
  let handle: WorkflowHandle<typeof fineTuningPipeline>;
  let runId: string;
  let failure: unknown;
  let settings: NodeJS.ProcessEnv;

  before(async () => {
    useTempArtifactStore();
    useTestCatalogue({ 'tiny-support-bad-data': { data: { sources: [{ type: 'chat_logs', path: path.join(fixtures, 'bad-data', 'chat-malformed.jsonl') }] } } });
    env = await startTemporal();
    collector = new OtlpCollector();
    settings = {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPERED_LOG_FORMAT: 'json',
      OTEL_EXPORTER_OTLP_ENDPOINT: await collector.start(),
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    control = new WorkerProcess('control', await freePort(), settings);
    cpu = new WorkerProcess('cpu', await freePort(), settings);

    // The planning activities run on the control worker, the data phase on the cpu worker, where it fails on a bad line.
    const started = await env.client.workflow.start(fineTuningPipeline, { taskQueue: queues.control, workflowId: `obs-bad-data-${Date.now()}`, args: [{ pipeline: 'tiny-support-bad-data' }] });
    [handle, runId] = [started, started.firstExecutionRunId];
    failure = await handle.result().catch((err: unknown) => err);
  });

  after(async () => {
    await Promise.all([control?.stop(), cpu?.stop()]);
    await collector?.stop();
    await env?.teardown();
  });

  it('ran the pipeline to its failure in the data phase', () => {
    assert.ok(failure instanceof WorkflowFailedError, `the run failed: ${String(failure)}\ncontrol:\n${control.stderr}\ncpu:\n${cpu.stderr}`);
  });

  it('times every activity attempt by type, queue and outcome, next to the SDK\'s own metrics, on one /metrics', async () => {
    const own = await control.metrics();
    for (const activity of ['resolvePipeline', 'planPipeline']) {
      const labels = { activity_type: activity, task_queue: queues.control, outcome: 'completed' };
      assert.equal(valueOf(own, 'tempered_activity_duration_seconds_count', labels), 1, activity);
      const seconds = valueOf(own, 'tempered_activity_duration_seconds_sum', labels);
      assert.ok(seconds > 0 && seconds < 60, `${activity} took ${seconds} s`);
      assert.equal(valueOf(own, 'tempered_activity_duration_seconds_bucket', { ...labels, le: '+Inf' }), 1);
      // The SDK counts the same executions from the core's side.
      assert.equal(valueOf(own, 'temporal_activity_execution_latency_count', { activity_type: activity }), 1, `the SDK's ${activity} latency`);
    }
    assert.ok(samplesOf(own, 'temporal_workflow_task_execution_latency_count', { workflow_type: 'fineTuningPipeline' }).some((s) => s.value >= 1), 'the SDK timed workflow tasks');
    assert.ok(valueOf(own, 'process_resident_memory_bytes') > 0);

    const data = await cpu.metrics();
    const failed = { activity_type: 'prepareData', task_queue: queues.cpu, outcome: 'failed' };
    assert.equal(valueOf(data, 'tempered_activity_duration_seconds_count', failed), 1, 'bad data fails without retries');
    assert.deepEqual(samplesOf(data, 'tempered_activity_duration_seconds_count', { outcome: 'completed' }), [], 'the cpu worker completed nothing');
    assert.deepEqual(samplesOf(data, 'tempered_gpu_slots_in_use'), [], 'a cpu worker has no gpu slots');
  });

  it('reports the backlog of the queues each worker serves, down to zero once nothing waits', async () => {
    const backlog = async (worker: WorkerProcess, queue: string) => {
      const found = samplesOf(await worker.metrics(), 'tempered_task_queue_backlog');
      assert.deepEqual(found.map((s) => s.labels), [{ task_queue: queue }], 'one series, for the queue the worker serves');
      return found[0]!.value === 0 ? 0 : null;
    };
    // The server's figure is approximate and refreshed every few seconds.
    await until('an empty control queue', () => backlog(control, queues.control), 60_000);
    await until('an empty cpu queue', () => backlog(cpu, queues.cpu), 60_000);
  });

  it('logs one JSON object per line, with the workflow and run ids and the activity type where the SDK gives them', () => {
    const cpuLines = cpu.logLines();
    const activityFailed = cpuLines.find((l) => l.message === 'Activity failed' && l.workflowId === handle.workflowId);
    assert.ok(activityFailed, `no "Activity failed" line for ${handle.workflowId} in:\n${cpu.stderr}`);
    assert.equal(activityFailed.level, 'WARN');
    assert.equal(activityFailed.workflowRunId, runId);
    assert.equal(activityFailed.activityType, 'prepareData');
    assert.equal(activityFailed.taskQueue, queues.cpu);
    assert.equal((activityFailed.error as { type?: string }).type, 'InvalidData');
    assert.match((activityFailed.error as { message: string }).message, /chat-malformed\.jsonl:3: invalid JSON/);
    assert.ok(Math.abs(Date.parse(String(activityFailed.time)) - Date.now()) < 15 * 60_000, 'the time is the log\'s own, as ISO text');

    const controlLines = control.logLines();
    const workflowFailed = controlLines.find((l) => l.message === 'Workflow failed' && l.workflowId === handle.workflowId);
    assert.ok(workflowFailed, `no "Workflow failed" line for ${handle.workflowId} in:\n${control.stderr}`);
    assert.equal(workflowFailed.runId, runId);
    assert.equal(workflowFailed.workflowType, 'fineTuningPipeline');
    assert.ok(controlLines.some((l) => l.message === 'serving Prometheus metrics' && l.address === `0.0.0.0:${control.metricsPort}`));
    for (const line of [...cpuLines, ...controlLines]) {
      assert.equal(typeof line.time, 'string');
      assert.ok(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(String(line.level)), JSON.stringify(line));
      assert.equal(typeof line.message, 'string');
    }
  });

  it('exports the workflow\'s and its activities\' spans as one trace over OTLP/HTTP', async () => {
    const span = (what: string, match: (s: ReceivedSpan) => boolean) => until(what, () => collector.spans.find(match) ?? null, 60_000);
    const ofRun = (name: string) => (s: ReceivedSpan) => s.name === name && s.attributes.temporalWorkflowId === handle.workflowId;
    const resolve = await span('the span of resolvePipeline', ofRun('RunActivity:resolvePipeline'));
    const prepare = await span('the span of prepareData', ofRun('RunActivity:prepareData'));
    const workflow = await span('the workflow\'s span', (s) => s.name === 'RunWorkflow:fineTuningPipeline' && s.traceId === resolve.traceId);
    assert.equal(workflow.service, 'tempered-control-worker');
    assert.equal(resolve.service, 'tempered-control-worker');
    assert.equal(prepare.service, 'tempered-cpu-worker');
    assert.equal(prepare.traceId, workflow.traceId, 'an activity on another worker process joins the workflow\'s trace');
    assert.equal(prepare.attributes.run_id, runId);
    const scheduled = collector.spans.find((s) => s.spanId === prepare.parentSpanId);
    assert.equal(scheduled?.name, 'StartActivity:prepareData', 'an activity\'s span is the child of the span that scheduled it');
    assert.equal(scheduled?.parentSpanId, workflow.spanId, 'which is the workflow run\'s');
    assert.ok([...collector.contentTypes].every((t) => t.startsWith('application/json')), [...collector.contentTypes].join());
  });

  it('traces a run started from the CLI from its start: the workflow\'s span is the child of the command\'s', async () => {
    const workflowId = `obs-cli-${Date.now()}`;
    const started = await tempered(['run', 'tiny-support-bad-data', '--id', workflowId, '--json'], settings);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(lastJsonLine(started.stdout).workflowId, workflowId);
    const span = (what: string, match: (s: ReceivedSpan) => boolean) => until(what, () => collector.spans.find(match) ?? null, 60_000);
    const start = await span('the CLI\'s start span', (s) => s.name === 'StartWorkflow:fineTuningPipeline' && s.service === 'tempered-cli');
    const workflow = await span('the workflow\'s span', (s) => s.name === 'RunWorkflow:fineTuningPipeline' && s.traceId === start.traceId);
    assert.equal(workflow.parentSpanId, start.spanId);
    assert.equal(workflow.service, 'tempered-control-worker');
    await span('the data phase\'s span in the same trace', (s) => s.name === 'RunActivity:prepareData' && s.traceId === start.traceId);
  });
});
