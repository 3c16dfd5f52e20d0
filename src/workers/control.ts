import { runWorkers } from './create-workers';

/** Entrypoint of the control worker (workflows and light activities): `node dist/src/workers/control.js`. */
runWorkers(['control']).catch((err) => {
  console.error(err);
  process.exit(1);
});
