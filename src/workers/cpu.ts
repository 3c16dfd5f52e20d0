import { runWorkers } from './create-workers';

/** Entrypoint of the cpu worker (data and evaluation): `node dist/src/workers/cpu.js`. */
runWorkers(['cpu']).catch((err) => {
  console.error(err);
  process.exit(1);
});
