import net from 'node:net';
import type { LogLevel, Logger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { workerLogger } from './logging';
import type { ObservabilitySettings } from './settings';

export interface WorkerRuntime {
  logger: Logger;
  /** Where the SDK's own Prometheus exporter listens (loopback only), or null when it is off. */
  sdkMetricsAddress: string | null;
}

let installed: WorkerRuntime | undefined;

/**
 * Installs the Temporal runtime of this process with the worker's logger (core logs forwarded to it) and, when
 * metrics are on, the SDK's Prometheus exporter on a loopback port, which the metrics server merges into its own
 * `/metrics`. `Runtime.install` may run once per process: a second call returns the first runtime, and a runtime
 * someone else installed first (tests, `tempered run --local-workers`) is kept as it is, without SDK metrics.
 */
export async function installWorkerRuntime(settings: Pick<ObservabilitySettings, 'logFormat' | 'logLevel' | 'metricsPort'>): Promise<WorkerRuntime> {
  if (installed) return installed;
  if (Runtime._instance) {
    installed = { logger: Runtime._instance.logger, sdkMetricsAddress: null };
    installed.logger.warn('the Temporal runtime was installed before the worker settings were read: its logger stays and SDK metrics are not exported');
    return installed;
  }
  const logger = workerLogger(settings.logFormat, settings.logLevel);
  const sdkMetricsAddress = settings.metricsPort === null ? null : `127.0.0.1:${await unusedLoopbackPort()}`;
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { filter: { core: atLeastWarn(settings.logLevel), other: 'ERROR' }, forward: {} },
      ...(sdkMetricsAddress ? { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } : {}),
    },
  });
  installed = { logger, sdkMetricsAddress };
  return installed;
}

/** The installed runtime's logger, for messages outside any worker (start-up, fatal errors). */
export function runtimeLogger(): Logger | null {
  return installed?.logger ?? null;
}

/** The core logs every poll at DEBUG; below WARN it drowns what the workers say. */
function atLeastWarn(level: LogLevel): LogLevel {
  return level === 'ERROR' ? 'ERROR' : 'WARN';
}

/** A loopback port free now, for the core's exporter, which takes an address and cannot report a port it chose. */
async function unusedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
