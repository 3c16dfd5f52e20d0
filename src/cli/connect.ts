import { Client, Connection } from '@temporalio/client';
import { temporalSettings, type TemporalSettings } from '../config/temporal';
import { observabilitySettings } from '../observability/settings';
import { startTracing } from '../observability/tracing';

/**
 * A client of the configured Temporal server. With OTEL_EXPORTER_OTLP_ENDPOINT set, what it starts is traced from
 * here (service `tempered-cli`): the workflow's spans become children of the start, in one trace with the command.
 */
export async function connectClient(): Promise<{ client: Client; settings: TemporalSettings; close: () => Promise<void> }> {
  const settings = temporalSettings();
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...settings.connection, connectTimeout: 5000 });
  } catch (err) {
    const hint = settings.external ? 'check TEMPORAL_ADDRESS and the TLS/API key settings' : 'start the embedded server with `tempered dev`';
    throw new Error(`cannot reach Temporal at ${settings.address} (${(err as Error).message}); ${hint}`);
  }
  const tracing = startTracing(observabilitySettings(), 'tempered-cli');
  const client = new Client({ connection, namespace: settings.namespace, ...(tracing ? { interceptors: tracing.interceptors.client } : {}) });
  const close = async () => {
    await connection.close();
    // The command's spans are exported before the process exits.
    await tracing?.shutdown();
  };
  return { client, settings, close };
}
