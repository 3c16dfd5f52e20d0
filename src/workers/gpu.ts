import { exitOnWorkerError, runWorkers } from './create-workers';

/** Entrypoint of the gpu worker (training; one run per GPU slot): `node dist/src/workers/gpu.js`. */
runWorkers(['gpu']).catch(exitOnWorkerError);
