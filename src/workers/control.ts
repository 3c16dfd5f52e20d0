import { exitOnWorkerError, runWorkers } from './create-workers';

/** Entrypoint of the control worker (workflows and light activities): `node dist/src/workers/control.js`. */
runWorkers(['control']).catch(exitOnWorkerError);
