import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/**
 * Where Temporal is. With TEMPORAL_ADDRESS unset everything talks to the embedded dev server;
 * set it (plus TEMPORAL_NAMESPACE and TLS or API-key settings) to use a self-hosted cluster or Temporal Cloud.
 *
 * - TEMPORAL_ADDRESS: host:port of the frontend, e.g. `my-ns.a1b2c.tmprl.cloud:7233`
 * - TEMPORAL_NAMESPACE: default `default`
 * - TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY: paths to the mTLS client certificate and key
 * - TEMPORAL_TLS_CA: path to a CA bundle for a self-signed server certificate
 * - TEMPORAL_API_KEY: an API key (Temporal Cloud); implies TLS
 * - TEMPORAL_TLS=true: TLS with the system's CAs and no client certificate
 */
export interface TemporalSettings {
  address: string;
  namespace: string;
  /** True when an external cluster is configured and no embedded server may be started. */
  external: boolean;
  /** Accepted by both the client's and the worker's connection. */
  connection: { address: string; tls?: TLSConfig; apiKey?: string };
}

/** The embedded server's ports; TEMPERED_DEV_PORT and TEMPERED_DEV_UI_PORT move them when 7233/8233 are taken. */
export const DEV_SERVER_PORT = Number(process.env.TEMPERED_DEV_PORT ?? 7233);
export const DEV_UI_PORT = Number(process.env.TEMPERED_DEV_UI_PORT ?? 8233);

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const external = Boolean(env.TEMPORAL_ADDRESS);
  const address = env.TEMPORAL_ADDRESS ?? `127.0.0.1:${DEV_SERVER_PORT}`;
  const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
  const read = (name: string) => {
    const file = env[name];
    if (!file) return undefined;
    if (!fs.existsSync(file)) throw new Error(`${name} points to ${file}, which does not exist`);
    return fs.readFileSync(file);
  };
  const cert = read('TEMPORAL_TLS_CERT');
  const key = read('TEMPORAL_TLS_KEY');
  if (Boolean(cert) !== Boolean(key)) throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  const ca = read('TEMPORAL_TLS_CA');
  const apiKey = env.TEMPORAL_API_KEY;
  const tls =
    cert || ca || apiKey || env.TEMPORAL_TLS === 'true'
      ? { clientCertPair: cert && key ? { crt: cert, key } : undefined, serverRootCACertificate: ca }
      : undefined;
  return { address, namespace, external, connection: { address, tls, apiKey } };
}

export function webUiUrl(settings: TemporalSettings, workflowId?: string): string {
  const base = settings.external ? (process.env.TEMPERED_UI_URL ?? `https://cloud.temporal.io`) : `http://127.0.0.1:${DEV_UI_PORT}`;
  const ns = encodeURIComponent(settings.namespace);
  return workflowId ? `${base}/namespaces/${ns}/workflows/${encodeURIComponent(workflowId)}` : `${base}/namespaces/${ns}/workflows`;
}
