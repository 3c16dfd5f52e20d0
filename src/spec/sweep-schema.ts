import { z } from 'zod';

/**
 * `training.sweep`: a grid or random search over the knobs that most often decide a fine-tune's quality.
 * Each trial is a training run of its own (a child workflow); the trial with the lowest validation loss wins.
 */

/** Log-uniform sampling between two learning rates, for random search. */
const learningRateRange = z
  .strictObject({
    min: z.number().positive().max(1).describe('Lowest learning rate.'),
    max: z.number().positive().max(1).describe('Highest learning rate.'),
  })
  .refine((r) => r.min <= r.max, { message: 'expected min <= max', path: ['max'] });

const choices = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'expected at least one value');

const parametersSchema = z
  .strictObject({
    learning_rate: z.union([choices(z.number().positive().max(1)), learningRateRange], {
      error: 'expected a list of learning rates, or { min, max } (sampled log-uniformly by random search)',
    }).optional().describe('Learning rates to try, or { min, max } sampled log-uniformly.'),
    lora_r: choices(z.int().positive()).optional().describe('LoRA ranks to try.'),
    lora_alpha: choices(z.number().positive()).optional().describe('LoRA alphas to try.'),
    epochs: choices(z.number().positive()).optional().describe('Epoch counts to try.'),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'expected at least one of learning_rate, lora_r, lora_alpha, epochs',
  });

/** More trials than this is a sign of a typo in a grid; a larger search belongs to a dedicated tuner. */
export const MAX_SWEEP_TRIALS = 64;

export const sweepSchema = z
  .strictObject({
    strategy: z.enum(['grid', 'random']).default('grid').describe('Every combination, or random draws.'),
    /** Random search only: how many trials to sample. */
    trials: z.int().positive().max(MAX_SWEEP_TRIALS).optional().describe('Random search: how many trials to draw.'),
    /** Trials that train at once; more than the gpu workers' slots in total only makes trials wait in the queue. */
    max_parallel: z.int().positive().default(1).describe('Trials that train at once.'),
    /** Seeds random search's sampling, so a rerun tries the same trials. */
    seed: z.int().default(0).describe('Seed of the random draws.'),
    parameters: parametersSchema.describe('The values to search.'),
  })
  .superRefine((s, ctx) => {
    if (s.strategy === 'random' && s.trials === undefined) {
      ctx.addIssue({ code: 'custom', path: ['trials'], message: 'expected the number of trials for a random search' });
    }
    if (s.strategy === 'grid') {
      if (s.trials !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['trials'], message: 'a grid tries every combination; trials applies to random search only' });
      }
      if (s.parameters.learning_rate !== undefined && !Array.isArray(s.parameters.learning_rate)) {
        ctx.addIssue({ code: 'custom', path: ['parameters', 'learning_rate'], message: 'a grid needs a list of values; { min, max } applies to random search' });
      }
      const size = Object.values(s.parameters).reduce((n, v) => n * (Array.isArray(v) ? v.length : 1), 1);
      if (size > MAX_SWEEP_TRIALS) {
        ctx.addIssue({ code: 'custom', path: ['parameters'], message: `the grid has ${size} combinations; expected at most ${MAX_SWEEP_TRIALS}` });
      }
    }
  });

export type SweepSpec = z.output<typeof sweepSchema>;
