import type { ArtifactRef, PipelineSpec, TaskQueues, TrainingResult } from '../../../src/pipeline/types';
import { gpuActivities } from '../../../src/workflows/activities';

export interface BenchTrainingInput {
  spec: PipelineSpec;
  train: ArtifactRef;
  validation: ArtifactRef;
  queues: TaskQueues;
}

/** The experiment phase's training alone: the fine-tune activity through the pipeline's own gpu proxy, timeouts and retries. */
export async function benchTraining({ spec, train, validation, queues }: BenchTrainingInput): Promise<TrainingResult> {
  const { fineTune } = gpuActivities(queues, spec.training.heartbeat_timeout);
  return fineTune({ spec, train, validation });
}
