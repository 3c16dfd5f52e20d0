import assert from 'node:assert/strict';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkerMetrics } from '../../src/observability/metrics';
import { startMetricsServer } from '../../src/observability/metrics-server';
import { installWorkerRuntime } from '../../src/observability/runtime';
import { TaskQueueBacklog } from '../../src/observability/task-queue-backlog';
import { startTrainingThroughput } from '../../src/observability/training-throughput';
import { observedWorkerOptions } from '../../src/observability/worker-observability';
import { freePort } from '../support/ports';
import { startTemporal } from '../support/temporal';
import type { ProbeActivities } from './probe-workflow';
import { parseExposition, samplesOf, valueOf } from './prometheus-text';

const quiet = new DefaultLogger('ERROR');

/** The current value of a metric of `metrics`, by its labels (collect functions run, as on a scrape). */
async function read(metrics: WorkerMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  return valueOf(parseExposition(await metrics.registry.metrics()), name, labels);
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('worker metrics', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  before(async () => {
    env = await startTemporal();
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./probe-workflow'), logger: new DefaultLogger('WARN') });
  });
  after(async () => env?.teardown());

  it('counts the gpu slots in use while activities run, and times every attempt by type and outcome', async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const taskQueue = `obs-gpu-${Date.now()}`;
    const held = new Map<string, { startedAt: number; release: () => void }>();
    const cancelled = new Set<string>();
    const activities: ProbeActivities = {
      hold: (key) => new Promise((resolve) => held.set(key, { startedAt: Date.now(), release: () => resolve(key) })),
      async holdUntilCancelled(key) {
        const ctx = Context.current();
        cancelled.add(key);
        const beat = setInterval(() => ctx.heartbeat(), 200);
        try {
          await ctx.cancelled;
          return key;
        } finally {
          clearInterval(beat);
        }
      },
      async refuse(reason) {
        throw ApplicationFailure.nonRetryable(reason, 'Refused');
      },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
      activities,
      maxConcurrentActivityTaskExecutions: 2,
      ...observedWorkerOptions({ metrics, tracing: null }, 2),
    });
    const start = (activity: keyof ProbeActivities, arg: string) =>
      env.client.workflow.start('probeWorkflow', { taskQueue, workflowId: `${taskQueue}-${activity}-${arg}`, args: [activity, arg] });

    await worker.runUntil(async () => {
      assert.equal(await read(metrics, 'tempered_gpu_slots'), 2);
      assert.equal(await read(metrics, 'tempered_gpu_slots_in_use'), 0);
      const a = await start('hold', 'a');
      const b = await start('hold', 'b');
      await until('both activities running', () => held.size === 2);
      assert.equal(await read(metrics, 'tempered_gpu_slots_in_use'), 2);

      const heldFor: number[] = [];
      for (const [key, handle] of [['a', a], ['b', b]] as const) {
        heldFor.push((Date.now() - held.get(key)!.startedAt) / 1000);
        held.get(key)!.release();
        assert.equal(await handle.result(), key);
      }
      assert.equal(await read(metrics, 'tempered_gpu_slots_in_use'), 0);

      const refused = await (await start('refuse', 'no')).result().catch((err: unknown) => err);
      assert.ok(refused instanceof Error);
      const stopped = await start('holdUntilCancelled', 'c');
      await until('the cancellable activity running', () => cancelled.has('c'));
      await stopped.cancel();
      await stopped.result().catch(() => undefined);

      const completed = { activity_type: 'hold', task_queue: taskQueue, outcome: 'completed' };
      assert.equal(await read(metrics, 'tempered_activity_duration_seconds_count', completed), 2);
      const seconds = await read(metrics, 'tempered_activity_duration_seconds_sum', completed);
      assert.ok(seconds >= heldFor[0]! + heldFor[1]! - 0.05, `${seconds} s measured for ${heldFor.join(' + ')} s held`);
      assert.equal(await read(metrics, 'tempered_activity_duration_seconds_count', { activity_type: 'refuse', outcome: 'failed' }), 1);
      assert.equal(await read(metrics, 'tempered_activity_duration_seconds_count', { activity_type: 'holdUntilCancelled', outcome: 'cancelled' }), 1);
      assert.equal(await read(metrics, 'tempered_gpu_slots_in_use'), 0);
    });
  });

  it('keeps a Temporal runtime installed before it (as the tests install one), without SDK metrics, instead of failing', async () => {
    const runtime = await installWorkerRuntime({ logFormat: 'json', logLevel: 'INFO', metricsPort: 9464 });
    assert.equal(runtime.sdkMetricsAddress, null);
    assert.equal(runtime.logger, Runtime.instance().logger);
    assert.equal(await installWorkerRuntime({ logFormat: 'text', logLevel: 'DEBUG', metricsPort: null }), runtime, 'installed once per process');
  });

  it('sums the tokens per second of the trainings running in the process', async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    metrics.countGpuSlots(2);
    const first = startTrainingThroughput();
    const second = startTrainingThroughput();
    assert.equal(await read(metrics, 'tempered_training_tokens_per_second'), 0, 'nothing reported yet');
    first.report(120.5);
    second.report(80);
    assert.equal(await read(metrics, 'tempered_training_tokens_per_second'), 200.5);
    first.report(null);
    assert.equal(await read(metrics, 'tempered_training_tokens_per_second'), 200.5, 'a step without a figure keeps the last one');
    second.end();
    assert.equal(await read(metrics, 'tempered_training_tokens_per_second'), 120.5);
    first.end();
    assert.equal(await read(metrics, 'tempered_training_tokens_per_second'), 0);
  });

  it('reads the server\'s backlog of a queue, workflow tasks counted only where workflows run', async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const taskQueue = `obs-idle-${Date.now()}`;
    // Nobody polls this queue: three started workflows wait there as three workflow tasks.
    const waiting = await Promise.all([1, 2, 3].map((i) => env.client.workflow.start('probeWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: ['hold', String(i)] })));
    try {
      const service = env.nativeConnection.workflowService;
      const control = new TaskQueueBacklog(service, env.namespace ?? 'default', [{ name: taskQueue, workflows: true }], metrics.taskQueueBacklog, quiet);
      await until('a backlog of three', async () => {
        await control.pollOnce();
        return (await read(metrics, 'tempered_task_queue_backlog', { task_queue: taskQueue })) === 3;
      });
      const activitiesOnly = new TaskQueueBacklog(service, env.namespace ?? 'default', [{ name: taskQueue, workflows: false }], metrics.taskQueueBacklog, quiet);
      await activitiesOnly.pollOnce();
      assert.equal(await read(metrics, 'tempered_task_queue_backlog', { task_queue: taskQueue }), 0, 'no activity task waits');
    } finally {
      await Promise.all(waiting.map((h) => h.terminate('test over')));
    }
  });

  it('keeps its last backlog figures when the server cannot be asked', async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    metrics.taskQueueBacklog.set({ task_queue: 'q' }, 7);
    const warnings: string[] = [];
    const logger = new DefaultLogger('WARN', (entry) => warnings.push(entry.message));
    const unreachable = { describeTaskQueue: () => Promise.reject(new Error('UNAVAILABLE: connection refused')) };
    const backlog = new TaskQueueBacklog(unreachable as never, 'default', [{ name: 'q', workflows: true }], metrics.taskQueueBacklog, logger);
    await backlog.pollOnce();
    await backlog.pollOnce();
    assert.equal(await read(metrics, 'tempered_task_queue_backlog', { task_queue: 'q' }), 7);
    assert.deepEqual(warnings, ['could not read the task queue backlog; tempered_task_queue_backlog keeps its last values'], 'said once, not on every poll');
  });

  describe('the metrics server', () => {
    it('answers with Tempered\'s metrics and says so when the SDK\'s exporter does not answer', async () => {
      const metrics = new WorkerMetrics({ processMetrics: false });
      metrics.taskQueueBacklog.set({ task_queue: 'tempered-cpu-v1' }, 4);
      const server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, sdkMetricsAddress: `127.0.0.1:${await freePort()}`, logger: quiet });
      try {
        const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
        assert.equal(response.status, 200);
        const text = await response.text();
        assert.equal(valueOf(parseExposition(text), 'tempered_task_queue_backlog', { task_queue: 'tempered-cpu-v1' }), 4);
        assert.match(text, /^# Temporal SDK metrics unavailable: /m);
        assert.deepEqual(samplesOf(parseExposition(text), 'temporal_request'), []);

        assert.equal((await fetch(`http://127.0.0.1:${server.port}/`)).status, 404);
        assert.equal((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status, 405);
      } finally {
        await server.close();
      }
    });

    it('names the setting when its port is taken', async () => {
      const metrics = new WorkerMetrics({ processMetrics: false });
      const first = await startMetricsServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, sdkMetricsAddress: null, logger: quiet });
      try {
        await assert.rejects(
          startMetricsServer({ host: '127.0.0.1', port: first.port, registry: metrics.registry, sdkMetricsAddress: null, logger: quiet }),
          new RegExp(`^Error: TEMPERED_METRICS_PORT: cannot serve metrics on 127\\.0\\.0\\.1:${first.port}: the port is in use$`),
        );
      } finally {
        await first.close();
      }
    });
  });
});
