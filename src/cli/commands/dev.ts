import type { ChildProcess } from 'node:child_process';
import { temporalSettings, webUiUrl } from '../../config/temporal';
import { startDevServer, stopDetachedDevServer } from '../../devserver/dev-server';
import { runWorkers } from '../../workers/create-workers';
import { EXIT } from '../output';

/**
 * `tempered dev`: the embedded Temporal server (unless TEMPORAL_ADDRESS points elsewhere) and the three
 * workers, until Ctrl-C. `--detach` starts only the server, in the background; `--stop` stops it.
 */
export async function devCommand(opts: { detach?: boolean; stop?: boolean; workers?: boolean }): Promise<number> {
  if (opts.stop) {
    console.log(stopDetachedDevServer() ? 'stopped the background Temporal server' : 'no background Temporal server was running');
    return EXIT.ok;
  }
  const settings = temporalSettings();
  let server: Awaited<ReturnType<typeof startDevServer>> | null = null;
  if (settings.external) {
    console.log(`using the Temporal cluster at ${settings.address} (namespace ${settings.namespace}); no local server started`);
  } else {
    server = await startDevServer({ detach: opts.detach });
    console.log(`${server.process ? 'started' : 'found'} Temporal at ${server.address}; Web UI ${webUiUrl(settings)}`);
  }
  if (opts.detach) return EXIT.ok;
  if (opts.workers === false) {
    if (server?.process) await untilExit(server.process);
    return EXIT.ok;
  }
  console.log('workers running on the control, cpu and gpu queues; Ctrl-C stops them');
  try {
    await runWorkers(['control', 'cpu', 'gpu']);
  } finally {
    server?.process?.kill('SIGTERM');
  }
  return EXIT.ok;
}

/** Runs until the server exits; Ctrl-C or a TERM stops the server too instead of orphaning it. */
async function untilExit(child: ChildProcess): Promise<void> {
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  await new Promise((resolve) => child.once('exit', resolve));
  process.off('SIGINT', forward).off('SIGTERM', forward);
}
