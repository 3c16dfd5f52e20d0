import { loadInlineSpec } from '../../../src/spec/load';
import type { PipelineSpec } from '../../../src/pipeline/types';

/** The fine-tune activity's heartbeat timeout (default 2 minutes): short, so the server retries a killed worker's training within seconds. */
export const HEARTBEAT_TIMEOUT = '10s';

/** The splits the bench trains on (see data.ts). */
export const DATA = { train: 600, validation: 32, seed: 1 };

/**
 * One training run, the same through the trainer and through the workflow: LoRA on the tiny Llama built from a
 * config (no download), two epochs of support exchanges, an evaluation and a checkpoint every 50 steps. Early
 * stopping is off so both paths always run the same number of steps.
 */
export function benchSpec(): PipelineSpec {
  return loadInlineSpec({
    name: 'bench-training',
    requirements: { business_objective: 'Measure the cost of orchestrating a training', target_users: 'Operators' },
    technical_requirements: { compute: { gpus: 0 } },
    experiment: { name: 'bench_training', base_model: 'tiny:llama', parameters: '0.1M' },
    training: {
      method: 'lora',
      epochs: 2,
      batch_size: 4,
      learning_rate: 0.005,
      warmup_steps: 10,
      eval_steps: 50,
      save_steps: 50,
      early_stopping: { patience: 0 },
      heartbeat_timeout: HEARTBEAT_TIMEOUT,
      lora: { r: 8, alpha: 16 },
    },
    // Never read: the bench writes the splits itself, as the data phase would.
    data: { sources: [{ type: 'chat_jsonl', path: 'bench-training.jsonl' }], max_length: 768 },
    evaluation: {},
    deployment: {},
    monitoring: { enabled: false },
  }).spec;
}
