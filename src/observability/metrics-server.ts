import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@temporalio/common';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  host: string;
  port: number;
  registry: Registry;
  /** The SDK's own exporter on loopback (`127.0.0.1:<port>`), whose metrics are appended to each response. */
  sdkMetricsAddress: string | null;
  logger: Logger;
}

export interface MetricsServer {
  /** The bound port (the configured one, or the system's choice for port 0). */
  port: number;
  close(): Promise<void>;
}

/** How long a scrape waits for the SDK's exporter before answering with Tempered's metrics alone. */
const SDK_SCRAPE_TIMEOUT_MS = 3_000;

/**
 * `GET /metrics` on TEMPERED_METRICS_PORT: this process's prom-client registry followed by the Temporal SDK's
 * `temporal_*` metrics, in one Prometheus text response, so one scrape target per worker has both. When the SDK's
 * exporter does not answer, the response says so in a comment and still carries Tempered's metrics.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  let sdkFailing = false;
  const sdkMetrics = async (): Promise<string> => {
    if (!options.sdkMetricsAddress) return '';
    try {
      const response = await fetch(`http://${options.sdkMetricsAddress}/metrics`, { signal: AbortSignal.timeout(SDK_SCRAPE_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      sdkFailing = false;
      return await response.text();
    } catch (error) {
      if (!sdkFailing) options.logger.warn('the Temporal SDK metrics exporter did not answer; /metrics carries Tempered metrics only', { error, address: options.sdkMetricsAddress });
      sdkFailing = true;
      return `# Temporal SDK metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`;
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metrics');
    if (url.pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are served at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed: use GET\n');
      return;
    }
    Promise.all([options.registry.metrics(), sdkMetrics()]).then(
      ([own, sdk]) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(req.method === 'HEAD' ? undefined : joinExpositions(own, sdk)),
      (error: unknown) => {
        options.logger.error('could not collect metrics', { error });
        res.writeHead(500, { 'content-type': 'text/plain' }).end('could not collect metrics\n');
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`TEMPERED_METRICS_PORT: cannot serve metrics on ${options.host}:${options.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.message}`)),
    );
    server.listen(options.port, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info('serving Prometheus metrics', { address: `${options.host}:${port}`, path: '/metrics', sdkMetrics: options.sdkMetricsAddress !== null });
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function joinExpositions(own: string, sdk: string): string {
  if (!sdk) return own;
  return `${own.endsWith('\n') ? own : `${own}\n`}${sdk}`;
}
