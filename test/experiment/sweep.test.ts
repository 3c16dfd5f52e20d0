import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { sweepTrials, trialSpec } from '../../src/pipeline/sweep';
import { parseSpecText, SpecError } from '../../src/spec/load';
import type { SweepSpec } from '../../src/spec/sweep-schema';
import { tinySpecFile } from '../support/catalogue';

/** The tiny pipeline with `training` patched, parsed as a pipeline file would be. */
function specWith(training: Record<string, unknown>) {
  const doc = parse(fs.readFileSync(tinySpecFile, 'utf8')) as { training: Record<string, unknown> };
  doc.training = { ...doc.training, ...training };
  return parseSpecText(stringify(doc), 'sweep.yaml');
}

function problemsOf(training: Record<string, unknown>): string {
  try {
    specWith(training);
  } catch (err) {
    if (err instanceof SpecError) return err.message;
    throw err;
  }
  assert.fail('expected the spec to be refused');
}

describe('training sweeps', () => {
  it('enumerates every combination of a grid, the last parameter varying fastest', () => {
    const sweep = specWith({ sweep: { parameters: { learning_rate: [0.001, 0.01], lora_r: [4, 8, 16] } } }).training.sweep!;
    assert.equal(sweep.strategy, 'grid');
    assert.equal(sweep.max_parallel, 1);
    assert.deepEqual(sweepTrials(sweep), [
      { learning_rate: 0.001, lora_r: 4 },
      { learning_rate: 0.001, lora_r: 8 },
      { learning_rate: 0.001, lora_r: 16 },
      { learning_rate: 0.01, lora_r: 4 },
      { learning_rate: 0.01, lora_r: 8 },
      { learning_rate: 0.01, lora_r: 16 },
    ]);
  });

  it('draws a random search from its seed alone, learning rates log-uniformly inside the range', () => {
    const random = (seed: number): SweepSpec =>
      specWith({ sweep: { strategy: 'random', trials: 40, seed, parameters: { learning_rate: { min: 1e-5, max: 1e-2 }, lora_alpha: [8, 16, 32] } } }).training.sweep!;
    const trials = sweepTrials(random(7));
    assert.equal(trials.length, 40);
    assert.deepEqual(sweepTrials(random(7)), trials, 'the same seed draws the same trials');
    assert.notDeepEqual(sweepTrials(random(8)), trials, 'another seed draws others');
    for (const t of trials) {
      assert.ok(t.learning_rate! >= 1e-5 && t.learning_rate! <= 1e-2, `${t.learning_rate} inside the range`);
      assert.ok([8, 16, 32].includes(t.lora_alpha!));
      assert.equal(t.lora_r, undefined, 'parameters the sweep leaves out are not drawn');
    }
    // Log-uniform: each of the three decades gets a fair share of 40 draws, the lowest one included.
    const decades = [1e-4, 1e-3, 1e-2].map((hi) => trials.filter((t) => t.learning_rate! <= hi && t.learning_rate! > hi / 10).length);
    for (const count of decades) assert.ok(count >= 5, `draws per decade: ${decades.join(', ')}`);
    assert.equal(new Set(trials.map((t) => t.lora_alpha)).size, 3);
  });

  it('gives each trial the spec with its values applied and no sweep of its own', () => {
    const spec = specWith({ learning_rate: 0.005, sweep: { parameters: { learning_rate: [0.1], lora_r: [2], lora_alpha: [3], epochs: [2] } } });
    const trial = trialSpec(spec, { learning_rate: 0.1, lora_r: 2, lora_alpha: 3, epochs: 2 });
    assert.equal(trial.training.sweep, undefined);
    assert.equal(trial.training.learning_rate, 0.1);
    assert.equal(trial.training.lora.r, 2);
    assert.equal(trial.training.lora.alpha, 3);
    assert.equal(trial.training.epochs, 2);
    assert.equal(trial.training.lora.dropout, spec.training.lora.dropout);
    assert.equal(spec.training.learning_rate, 0.005, 'the pipeline spec itself is left as it was');
    assert.equal(spec.training.lora.r, 4);
    assert.ok(spec.training.sweep);
  });

  it('refuses sweeps that cannot mean what they say, naming the field', () => {
    assert.match(problemsOf({ sweep: { strategy: 'random', parameters: { lora_r: [4] } } }), /training\.sweep\.trials: expected the number of trials for a random search/);
    assert.match(problemsOf({ sweep: { parameters: { learning_rate: { min: 1e-4, max: 1e-3 } } } }), /training\.sweep\.parameters\.learning_rate: a grid needs a list of values/);
    assert.match(problemsOf({ sweep: { strategy: 'random', trials: 2, parameters: { learning_rate: { min: 1e-2, max: 1e-4 } } } }), /training\.sweep\.parameters\.learning_rate\.max: expected min <= max/);
    assert.match(problemsOf({ sweep: { parameters: {} } }), /training\.sweep\.parameters: expected at least one of learning_rate, lora_r, lora_alpha, epochs/);
    assert.match(problemsOf({ sweep: { parameters: { lora_r: [1, 2, 3, 4, 5, 6, 7, 8, 9], epochs: [1, 2, 3, 4, 5, 6, 7, 8] } } }), /the grid has 72 combinations; expected at most 64/);
    assert.match(problemsOf({ method: 'full', sweep: { parameters: { lora_r: [4, 8] } } }), /training\.sweep\.parameters\.lora_r: applies to lora and qlora; method is full/);
    assert.match(problemsOf({ sweep: { parameters: { learning_rate: [0.001] }, max_parallel: 0 } }), /training\.sweep\.max_parallel/);
  });
});
