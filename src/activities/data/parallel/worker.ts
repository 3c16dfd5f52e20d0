import { parentPort, workerData } from 'node:worker_threads';
import type { PipelineSpec } from '../../../spec/schema';
import { BatchWork, transferables, type BatchRequest } from './tasks';

/** A worker thread of the data phase: runs BatchWork on the batches the pool sends, one at a time, in order. */
export interface WorkerRequest {
  id: number;
  request: BatchRequest;
}

const work = new BatchWork((workerData as { data: PipelineSpec['data'] }).data);

parentPort!.on('message', ({ id, request }: WorkerRequest) => {
  try {
    const { notes, result } = work.run(request);
    parentPort!.postMessage({ id, notes, result }, transferables(result));
  } catch (error) {
    // Sent back rather than thrown, so the run fails with this error (message and stack) and not a bare exit code.
    parentPort!.postMessage({ id, error });
  }
});
