import assert from 'node:assert/strict';
import { gateChecks } from '../../src/activities/deployment/gate';
import { loadSpecFile } from '../../src/spec/load';

const metrics = (o: Partial<Record<'accuracy' | 'token_f1' | 'response_time' | 'consistency', number>>) => ({
  accuracy: 0,
  token_f1: 0,
  response_time: 1,
  consistency: 1,
  loss: 1,
  perplexity: Math.E,
  ...o,
});

describe('deployment gate', () => {
  const spec = loadSpecFile('customer-support').spec; // accuracy >= 0.9, response_time <= 3, consistency >= 0.95

  it('passes a model that meets every success metric and beats the base model', () => {
    const checks = gateChecks(spec, metrics({ token_f1: 0.3 }), metrics({ accuracy: 0.92, token_f1: 0.7, response_time: 2.1, consistency: 0.97 }));
    assert.ok(checks.every((c) => c.passed));
    assert.deepEqual(
      checks.map((c) => c.metric),
      ['accuracy', 'response_time', 'consistency', 'token_f1_gain_over_baseline'],
    );
  });

  it('fails on each missed metric, with the value and the threshold as evidence', () => {
    const checks = gateChecks(spec, metrics({ token_f1: 0.7 }), metrics({ accuracy: 0.89, token_f1: 0.6, response_time: 3.5, consistency: 0.95 }));
    assert.deepEqual(
      checks.filter((c) => !c.passed).map((c) => `${c.metric} ${c.value} ${c.op} ${c.threshold}`),
      ['accuracy 0.89 >= 0.9', 'response_time 3.5 <= 3', 'token_f1_gain_over_baseline -0.09999999999999998 > 0'],
    );
  });
});
