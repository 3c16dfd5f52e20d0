import { exitOnWorkerError, runWorkers } from './create-workers';

/** Entrypoint of the cpu worker (data and evaluation): `node dist/src/workers/cpu.js`. */
runWorkers(['cpu']).catch(exitOnWorkerError);
