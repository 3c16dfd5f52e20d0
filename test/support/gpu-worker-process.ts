/**
 * A gpu worker in a process of its own, for tests that kill it the way a host loses a worker:
 * `node gpu-worker-process.js <temporal address> [namespace]`. It reads its settings (queues, artifact
 * store, pipeline and data roots) from the environment it is given, like a production worker.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createWorker, handOverTrainingsOnShutdown } from '../../src/workers/create-workers';

async function main(): Promise<void> {
  const [address, namespace = 'default'] = process.argv.slice(2);
  if (!address) throw new Error('usage: node gpu-worker-process.js <temporal address> [namespace]');
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  handOverTrainingsOnShutdown();
  const connection = await NativeConnection.connect({ address });
  try {
    const worker = await createWorker('gpu', { connection, namespace });
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error('gpu worker process failed:', err);
  process.exit(1);
});
