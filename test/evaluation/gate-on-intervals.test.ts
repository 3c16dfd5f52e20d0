import assert from 'node:assert/strict';
import { checkSignificantlyBetter, checkThreshold, describeEvidence, gateOnIntervals } from '../../src/evaluation/gate-on-intervals';
import { latencyIntervals, meanInterval, pairedTest, type Interval, type PairedComparison } from '../../src/evaluation/statistics';
import { loadSpecFile } from '../../src/spec/load';

const interval = (estimate: number, lower: number, upper: number): Interval => ({ estimate, lower, upper, level: 0.95 });
const comparison = (difference: Interval, pValue: number): PairedComparison => ({ difference, pValue, method: 'monte-carlo', examples: 50 });

describe('gate on intervals', () => {
  it('passes accuracy on the point and fails it on the lower bound when the interval reaches below the bar', () => {
    const accuracy = interval(0.92, 0.87, 0.96);
    const threshold = { op: '>=' as const, value: 0.9 };
    assert.deepEqual(checkThreshold('accuracy', accuracy, threshold, 'point'), {
      metric: 'accuracy',
      value: 0.92,
      interval: { lower: 0.87, upper: 0.96, level: 0.95 },
      compared: 0.92,
      threshold: 0.9,
      op: '>=',
      mode: 'point',
      passed: true,
    });
    const byBound = checkThreshold('accuracy', accuracy, threshold, 'interval');
    assert.equal(byBound.compared, 0.87);
    assert.equal(byBound.passed, false);
    assert.equal(checkThreshold('accuracy', interval(0.95, 0.91, 0.98), threshold, 'interval').passed, true);
  });

  it('holds response time against the upper end of the p95 interval', () => {
    const threshold = { op: '<=' as const, value: 3 };
    const p95 = interval(2.5, 2.1, 3.2);
    assert.equal(checkThreshold('response_time', p95, threshold, 'point').passed, true);
    const byBound = checkThreshold('response_time', p95, threshold, 'interval');
    assert.deepEqual([byBound.compared, byBound.passed], [3.2, false]);
    assert.equal(checkThreshold('response_time', interval(2.5, 2.1, 2.9), threshold, 'interval').passed, true);
  });

  it('calls an arm significantly better only with p < alpha and the whole interval above 0', () => {
    const better = checkSignificantlyBetter('token_f1', comparison(interval(0.1, 0.02, 0.18), 0.01));
    assert.deepEqual(better, {
      metric: 'token_f1_vs_base',
      value: 0.1,
      interval: { lower: 0.02, upper: 0.18, level: 0.95 },
      compared: 0.02,
      threshold: 0,
      op: '>',
      mode: 'significance',
      pValue: 0.01,
      alpha: 0.05,
      passed: true,
    });
    assert.equal(checkSignificantlyBetter('token_f1', comparison(interval(0.1, 0.02, 0.18), 0.2)).passed, false);
    assert.equal(checkSignificantlyBetter('token_f1', comparison(interval(0.1, -0.01, 0.18), 0.01)).passed, false);
    assert.equal(checkSignificantlyBetter('token_f1', comparison(interval(0.1, 0.02, 0.18), 0.03), { alpha: 0.01 }).passed, false);
  });

  it('reads "better" as lower for times', () => {
    const faster = checkSignificantlyBetter('latency', comparison(interval(-0.4, -0.6, -0.2), 0.001), { better: 'lower' });
    assert.deepEqual([faster.op, faster.compared, faster.passed], ['<', -0.2, true]);
  });

  it('gates a real evaluation: 46 of 50 accurate passes on the point, not on the lower bound', () => {
    const spec = loadSpecFile('customer-support').spec; // accuracy >= 0.9, response_time <= 3, consistency >= 0.95
    const accurate = Array.from({ length: 50 }, (_, i) => (i < 46 ? 1 : 0));
    const baseAccurate = Array.from({ length: 50 }, (_, i) => (i < 20 ? 1 : 0));
    const latencies = Array.from({ length: 50 }, (_, i) => 1 + (i % 10) * 0.1);
    const estimates = { accuracy: meanInterval(accurate), response_time: latencyIntervals(latencies).p95, consistency: meanInterval(new Array<number>(50).fill(1)) };
    const significance = [{ metric: 'accuracy', comparison: pairedTest(accurate, baseAccurate) }];

    const point = gateOnIntervals({ successMetrics: spec.requirements.success_metrics, estimates, mode: 'point', significance });
    assert.deepEqual(
      point.checks.map((c) => [c.metric, c.passed]),
      [
        ['accuracy', true],
        ['response_time', true],
        ['consistency', true],
        ['accuracy_vs_base', true],
      ],
    );
    assert.equal(point.passed, true);
    assert.ok(point.checks[3].pValue! < 0.001);

    const bound = gateOnIntervals({ successMetrics: spec.requirements.success_metrics, estimates, mode: 'interval', significance });
    assert.equal(bound.passed, false);
    assert.deepEqual(bound.checks.filter((c) => !c.passed).map((c) => c.metric), ['accuracy']);
    assert.ok(bound.checks[0].compared < 0.9 && bound.checks[0].value === 0.92);
    assert.match(describeEvidence(bound.checks[0]), /^accuracy 0\.92 \[0\.8\d+, 0\.9\d+\]: lower bound 0\.8\d+ >= 0\.9 failed$/);
  });

  it('names a success metric the evaluation did not estimate', () => {
    const spec = loadSpecFile('customer-support').spec;
    assert.throws(
      () => gateOnIntervals({ successMetrics: spec.requirements.success_metrics, estimates: { accuracy: interval(0.9, 0.8, 1) }, mode: 'point' }),
      /requirements\.success_metrics\.response_time is set but the evaluation has no estimate of response_time/,
    );
  });
});
