import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ApplicationFailure } from '@temporalio/common';
import { jsonLogLine, workerLogger } from '../../src/observability/logging';
import { observabilitySettings } from '../../src/observability/settings';

describe('worker logs', () => {
  const at = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

  it('puts time, level and message first, then the SDK\'s metadata as it gives it', () => {
    const line = jsonLogLine({
      level: 'INFO',
      message: 'Activity completed',
      timestampNanos: at('2026-11-29T03:14:48.123Z') + 456n,
      meta: { sdkComponent: 'activity', workflowId: 'wf-1', workflowRunId: 'run-1', activityType: 'prepareData', attempt: 2, durationMs: 1200, [Symbol.for('log_timestamp')]: 1n },
    });
    assert.equal(
      line,
      '{"time":"2026-11-29T03:14:48.123Z","level":"INFO","message":"Activity completed","sdkComponent":"activity","workflowId":"wf-1","workflowRunId":"run-1","activityType":"prepareData","attempt":2,"durationMs":1200}',
    );
  });

  it('keeps an error\'s type, message, stack and cause, which JSON.stringify would drop', () => {
    const cause = new Error('disk full');
    const error = ApplicationFailure.create({ message: 'could not write the splits', type: 'InvalidData', nonRetryable: true, cause });
    const parsed = JSON.parse(jsonLogLine({ level: 'WARN', message: 'Activity failed', timestampNanos: at('2026-11-29T00:00:00Z'), meta: { error } }));
    assert.equal(parsed.error.name, 'ApplicationFailure');
    assert.equal(parsed.error.message, 'could not write the splits');
    assert.equal(parsed.error.type, 'InvalidData');
    assert.equal(parsed.error.nonRetryable, true);
    assert.match(parsed.error.stack, /could not write the splits\n\s+at /);
    assert.equal(parsed.error.cause.message, 'disk full');
  });

  it('writes bigints as text, marks a cycle, and never lets metadata replace the time, level or message', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const shared = { id: 7 };
    const parsed = JSON.parse(
      jsonLogLine({ level: 'ERROR', message: 'real', timestampNanos: at('2026-11-29T00:00:00Z'), meta: { message: 'forged', level: 'DEBUG', bytes: 12n, loop, pair: [shared, shared], skipped: undefined } }),
    );
    assert.deepEqual(parsed, { time: '2026-11-29T00:00:00.000Z', level: 'ERROR', message: 'real', bytes: '12', loop: { name: 'loop', self: '[Circular]' }, pair: [{ id: 7 }, { id: 7 }] });
  });

  it('writes one parseable line per entry at or above the level', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const logger = workerLogger('json', 'INFO', out);
    logger.debug('not shown', { workflowId: 'a' });
    logger.info('Worker state changed', { state: 'RUNNING', taskQueue: 'tempered-cpu-v1' });
    logger.warn('multi\nline', { workflowId: 'b' });
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.level, l.message]), [['INFO', 'Worker state changed'], ['WARN', 'multi\nline']]);
    assert.equal(lines[1].workflowId, 'b');
  });
});

describe('observability settings', () => {
  it('are off by default: no metrics port, no tracing, INFO logs, json unless stderr is a terminal', () => {
    assert.deepEqual(observabilitySettings({}, false), { metricsPort: null, metricsHost: '0.0.0.0', logFormat: 'json', logLevel: 'INFO', tracingEndpoint: null });
    assert.equal(observabilitySettings({}, true).logFormat, 'text');
    assert.deepEqual(
      observabilitySettings({ TEMPERED_METRICS_PORT: '9464', TEMPERED_METRICS_HOST: '127.0.0.1', TEMPERED_LOG_FORMAT: 'text', TEMPERED_LOG_LEVEL: 'debug', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }, false),
      { metricsPort: 9464, metricsHost: '127.0.0.1', logFormat: 'text', logLevel: 'DEBUG', tracingEndpoint: 'http://otel:4318' },
    );
  });

  it('refuse a bad value, naming the setting and what it takes', () => {
    assert.throws(() => observabilitySettings({ TEMPERED_METRICS_PORT: '9464x' }), /^Error: TEMPERED_METRICS_PORT must be a port number from 1 to 65535, got "9464x"$/);
    assert.throws(() => observabilitySettings({ TEMPERED_METRICS_PORT: '70000' }), /got "70000"/);
    assert.throws(() => observabilitySettings({ TEMPERED_LOG_FORMAT: 'yaml' }), /^Error: TEMPERED_LOG_FORMAT must be json or text, got "yaml"$/);
    assert.throws(() => observabilitySettings({ TEMPERED_LOG_LEVEL: 'verbose' }), /^Error: TEMPERED_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, got "verbose"$/);
  });
});
