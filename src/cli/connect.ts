import { Client, Connection } from '@temporalio/client';
import { temporalSettings, type TemporalSettings } from '../config/temporal';

export async function connectClient(): Promise<{ client: Client; settings: TemporalSettings; close: () => Promise<void> }> {
  const settings = temporalSettings();
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...settings.connection, connectTimeout: 5000 });
  } catch (err) {
    const hint = settings.external ? 'check TEMPORAL_ADDRESS and the TLS/API key settings' : 'start the embedded server with `tempered dev`';
    throw new Error(`cannot reach Temporal at ${settings.address} (${(err as Error).message}); ${hint}`);
  }
  return { client: new Client({ connection, namespace: settings.namespace }), settings, close: () => connection.close() };
}
