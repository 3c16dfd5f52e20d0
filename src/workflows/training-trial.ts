import type { ArtifactRef } from '../artifacts/store';
import type { TaskQueues, TrainingResult } from '../pipeline/types';
import type { PipelineSpec } from '../spec/schema';
import { gpuActivities } from './activities';

export interface TrainingTrialInput {
  /** The pipeline's spec with this trial's values applied. */
  spec: PipelineSpec;
  queues: TaskQueues;
  train: ArtifactRef;
  validation: ArtifactRef;
}

/**
 * One trial of a sweep: a training run of its own, so it is followed, retried and cancelled like any
 * training. A lost gpu worker costs the trial one checkpoint interval, as for a single run.
 */
export async function trainingTrial({ spec, queues, train, validation }: TrainingTrialInput): Promise<TrainingResult> {
  const { fineTune } = gpuActivities(queues, spec.training.heartbeat_timeout);
  return fineTune({ spec, train, validation });
}
