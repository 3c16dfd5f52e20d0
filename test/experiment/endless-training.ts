import fs from 'node:fs';
import path from 'node:path';
import { trainerTrainConfig } from '../../src/activities/experiment/trainer-config';
import { loadSpecFile } from '../../src/spec/load';
import { tinySpecFile } from '../support/catalogue';

/**
 * A trainer config for the tiny model that would train for hours, for tests that stop the trainer once it
 * has made a step. Writes its training data into `workDir`.
 */
export function endlessTrainingConfig(workDir: string): Record<string, unknown> {
  const trainFile = path.join(workDir, 'train.jsonl');
  const records = Array.from({ length: 8 }, (_, i) => ({
    id: `q${i}`,
    messages: [
      { role: 'user', content: `How do I reset password number ${i}?` },
      { role: 'assistant', content: `Open settings, choose security, then reset password ${i}.` },
    ],
  }));
  fs.writeFileSync(trainFile, records.map((r) => JSON.stringify(r)).join('\n'));
  const { spec } = loadSpecFile(tinySpecFile, {
    'training.max_steps': 100_000,
    'training.batch_size': 2,
    'training.save_steps': 50_000,
    'training.eval_steps': 50_000,
    'data.max_length': 64,
  });
  return {
    ...trainerTrainConfig(spec, { trainFile, validationFile: null, outputDir: path.join(workDir, 'output'), resumeFrom: null }),
    // No worker acknowledges checkpoints here.
    checkpoint_acks: false,
  };
}
