import type { LogLevel, Logger } from '@temporalio/common';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { LogFormat } from './settings';

/**
 * The worker's logger, which the Temporal runtime hands to the SDK, to workflow and activity loggers and (forwarded)
 * to the Rust core. `json` writes one object per line to `stream`: `time`, `level`, `message`, then the SDK's
 * metadata as it gives it (`sdkComponent`, `taskQueue`, `namespace`; for activities `workflowId`,
 * `workflowRunId`, `workflowType`, `activityId`, `activityType`, `attempt`; for workflows `workflowId`, `runId`,
 * `workflowType`). `text` is the SDK's own human format on stderr.
 */
export function workerLogger(format: LogFormat, level: LogLevel, stream: NodeJS.WritableStream = process.stderr): Logger {
  if (format === 'text') return new DefaultLogger(level);
  return new DefaultLogger(level, (entry) => stream.write(`${jsonLogLine(entry)}\n`));
}

const RESERVED = new Set(['time', 'level', 'message']);

/** One log entry as a single line of JSON; metadata never overrides the time, level or message. */
export function jsonLogLine(entry: LogEntry): string {
  const line: Record<string, unknown> = {
    time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
    level: entry.level,
    message: entry.message,
  };
  for (const [key, value] of Object.entries(entry.meta ?? {})) {
    if (!RESERVED.has(key) && value !== undefined) line[key] = jsonSafe(value, new Set());
  }
  return JSON.stringify(line);
}

/**
 * A value JSON can hold: errors keep their name, message, failure type, stack and cause (JSON.stringify would
 * give `{}`), bigints become strings, and a reference back to an enclosing object becomes "[Circular]".
 */
function jsonSafe(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[Circular]';
  if (value instanceof Date) return value.toISOString();
  ancestors.add(value);
  try {
    if (value instanceof Error) {
      const failure = value as Error & { type?: unknown; nonRetryable?: unknown };
      return {
        name: value.name,
        message: value.message,
        ...(failure.type !== undefined ? { type: failure.type } : {}),
        ...(failure.nonRetryable !== undefined ? { nonRetryable: failure.nonRetryable } : {}),
        ...(value.stack ? { stack: value.stack } : {}),
        ...(value.cause !== undefined ? { cause: jsonSafe(value.cause, ancestors) } : {}),
      };
    }
    if (Array.isArray(value)) return value.map((v) => jsonSafe(v, ancestors) ?? null);
    if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const safe = jsonSafe(v, ancestors);
      if (safe !== undefined) out[k] = safe;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
