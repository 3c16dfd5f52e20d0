import type { LogLevel } from '@temporalio/common';

/**
 * What a worker process exports about itself, from its environment:
 *
 * - TEMPERED_METRICS_PORT: serve Prometheus metrics on this port at `/metrics` (unset: no metrics server)
 * - TEMPERED_METRICS_HOST: the address that server binds (default 0.0.0.0, so a scraper on another host reaches it)
 * - TEMPERED_LOG_FORMAT: `json` (one object per line) or `text`; default json unless stderr is a terminal
 * - TEMPERED_LOG_LEVEL: TRACE, DEBUG, INFO, WARN or ERROR (default INFO)
 * - OTEL_EXPORTER_OTLP_ENDPOINT: trace workflows and activities to this OTLP/HTTP collector (unset: no tracing);
 *   the exporter's other OTEL_* settings (headers, OTEL_SERVICE_NAME, OTEL_BSP_*) apply as documented by OpenTelemetry
 */
export interface ObservabilitySettings {
  metricsPort: number | null;
  metricsHost: string;
  logFormat: LogFormat;
  logLevel: LogLevel;
  /** The OTLP collector's base URL, or null when tracing is off. */
  tracingEndpoint: string | null;
}

export type LogFormat = 'json' | 'text';

const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export function observabilitySettings(env: NodeJS.ProcessEnv = process.env, stderrIsTerminal = Boolean(process.stderr.isTTY)): ObservabilitySettings {
  return {
    metricsPort: port(env.TEMPERED_METRICS_PORT),
    metricsHost: env.TEMPERED_METRICS_HOST || '0.0.0.0',
    logFormat: logFormat(env.TEMPERED_LOG_FORMAT, stderrIsTerminal),
    logLevel: logLevel(env.TEMPERED_LOG_LEVEL),
    tracingEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || null,
  };
}

function port(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`TEMPERED_METRICS_PORT must be a port number from 1 to 65535, got "${raw}"`);
  return n;
}

function logFormat(raw: string | undefined, stderrIsTerminal: boolean): LogFormat {
  if (raw === undefined || raw === '') return stderrIsTerminal ? 'text' : 'json';
  if (raw === 'json' || raw === 'text') return raw;
  throw new Error(`TEMPERED_LOG_FORMAT must be json or text, got "${raw}"`);
}

function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'INFO';
  const level = raw.toUpperCase() as LogLevel;
  if (!LOG_LEVELS.includes(level)) throw new Error(`TEMPERED_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}
