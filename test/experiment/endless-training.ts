import fs from 'node:fs';
import path from 'node:path';

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
  return {
    base_model: 'tiny:llama',
    max_steps: 100_000,
    batch_size: 2,
    max_length: 64,
    save_steps: 50_000,
    eval_steps: 50_000,
    train_file: trainFile,
    output_dir: path.join(workDir, 'output'),
  };
}
