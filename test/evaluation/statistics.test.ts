import assert from 'node:assert/strict';
import { percentile } from '../../src/activities/evaluation/metrics';
import { latencyIntervals, meanInterval, pairedTest, percentileInterval, seededRandom } from '../../src/evaluation/statistics';

/** 0/1 scores: `ones` ones among `n`, ones first. */
const binary = (ones: number, n: number) => Array.from({ length: n }, (_, i) => (i < ones ? 1 : 0));

describe('evaluation statistics', () => {
  describe('seeded random', () => {
    it('repeats its sequence for a seed and differs between seeds', () => {
      const draw = (seed: number) => {
        const r = seededRandom(seed);
        return Array.from({ length: 5 }, () => r.nextUint32());
      };
      assert.deepEqual(draw(42), draw(42));
      assert.notDeepEqual(draw(42), draw(43));
      assert.notDeepEqual(draw(1), draw(2 ** 32 + 1));
    });

    it('draws integers uniformly in range', () => {
      const r = seededRandom(7);
      const counts = new Array<number>(10).fill(0);
      for (let i = 0; i < 100_000; i++) counts[r.nextInt(10)] += 1;
      for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, `bin count ${c}`);
    });

    it('rejects a seed that is not an integer', () => {
      assert.throws(() => seededRandom(1.5), /seed must be an integer, got 1.5/);
    });
  });

  describe('bootstrap interval', () => {
    it('is the same for the same seed and covers the mean', () => {
      const scores = binary(30, 40); // mean 0.75; normal approximation ±1.96·√(0.75·0.25/40) = ±0.134
      const a = meanInterval(scores, { seed: 7 });
      assert.deepEqual(meanInterval(scores, { seed: 7 }), a);
      assert.notDeepEqual(meanInterval(scores, { seed: 8 }), a);
      assert.equal(a.estimate, 0.75);
      assert.equal(a.level, 0.95);
      assert.ok(a.lower < 0.75 && a.upper > 0.75);
      assert.ok(a.lower > 0.58 && a.lower < 0.68, `lower ${a.lower}`);
      assert.ok(a.upper > 0.82 && a.upper < 0.92, `upper ${a.upper}`);
    });

    it('matches hand-computed intervals on tiny samples', () => {
      // From [0, 1] a resample's mean is 0, 0.5 or 1 with chances 1/4, 1/2, 1/4: the 2.5% and 97.5% quantiles are 0 and 1.
      assert.deepEqual(meanInterval([0, 1]), { estimate: 0.5, lower: 0, upper: 1, level: 0.95 });
      assert.deepEqual(meanInterval([0.3]), { estimate: 0.3, lower: 0.3, upper: 0.3, level: 0.95 });
      assert.deepEqual(meanInterval([2, 2, 2]), { estimate: 2, lower: 2, upper: 2, level: 0.95 });
    });

    it('narrows as the level drops', () => {
      const scores = binary(30, 40);
      const wide = meanInterval(scores, { level: 0.99 });
      const narrow = meanInterval(scores, { level: 0.8 });
      assert.ok(wide.lower < narrow.lower && wide.upper > narrow.upper);
    });

    it('gives p50 and p95 latency with intervals around the project percentile', () => {
      const latencies = Array.from({ length: 20 }, (_, i) => i + 1); // 1..20 seconds
      const { p50, p95 } = latencyIntervals(latencies, { seed: 3 });
      assert.equal(p50.estimate, 10.5);
      assert.equal(p95.estimate, percentile(latencies, 0.95)); // 19.05
      assert.ok(p50.lower <= 10.5 && p50.upper >= 10.5);
      assert.ok(p95.lower <= 19.05 && p95.upper >= 19.05 && p95.upper <= 20);
      assert.deepEqual(percentileInterval(latencies, 0.95, { seed: 3 }), p95);
    });

    it('names what is wrong with its input', () => {
      assert.throws(() => meanInterval([]), /bootstrap: no values/);
      assert.throws(() => meanInterval([1, NaN]), /bootstrap: value 1 is NaN/);
      assert.throws(() => meanInterval([1], { level: 95 }), /confidence level must be between 0 and 1 \(e.g. 0.95\), got 95/);
      assert.throws(() => meanInterval([1], { resamples: 0 }), /resamples must be a positive integer, got 0/);
      assert.throws(() => percentileInterval([1], 95), /percentile must be between 0 and 1, got 95/);
    });
  });

  describe('paired test', () => {
    it('gives p = 1 and a zero difference for identical arms', () => {
      const scores = [0.2, 0.9, 0.4, 0.4, 1, 0, 0.7, 0.3, 0.8, 0.5, 0.6, 0.1, 0.2, 0.9];
      const result = pairedTest(scores, scores, { seed: 1 });
      assert.equal(result.method, 'monte-carlo');
      assert.equal(result.pValue, 1);
      assert.deepEqual(result.difference, { estimate: 0, lower: 0, upper: 0, level: 0.95 });
      assert.equal(pairedTest([1, 0, 1], [1, 0, 1]).pValue, 1);
    });

    it('enumerates every sign pattern for small samples (hand-computed p-values)', () => {
      // d = 1,1,1,1,1: only all-plus and all-minus reach |Σ| = 5: p = 2/32
      const five = pairedTest([1, 1, 1, 1, 1], [0, 0, 0, 0, 0]);
      assert.equal(five.method, 'exact');
      assert.equal(five.pValue, 2 / 32);
      // d = 2, -1, 1 (Σ = 2): sums of ±2 ±1 ±1 are 4, 2, 2, 0, 0, -2, -2, -4; six reach |Σ| ≥ 2: p = 6/8
      assert.equal(pairedTest([3, 0, 1], [1, 1, 0]).pValue, 0.75);
    });

    it('gives a small p and an interval above 0 for a clearly better arm', () => {
      const random = seededRandom(11);
      const base = Array.from({ length: 60 }, () => random.nextInt(100) / 100);
      const arm = base.map((b, i) => b + 0.3 + (i % 3) * 0.05);
      const result = pairedTest(arm, base, { seed: 5 });
      assert.equal(result.examples, 60);
      assert.ok(Math.abs(result.difference.estimate - 0.35) < 1e-9, `difference ${result.difference.estimate}`);
      assert.ok(result.difference.lower > 0.3 && result.difference.upper < 0.4);
      assert.equal(result.pValue, 1 / 2001); // no random sign pattern reaches the observed sum
    });

    it('gives a large p when the arm is better on some examples and worse on as many', () => {
      const base = binary(20, 40);
      const arm = base.map((b, i) => (i % 2 === 0 ? 1 - b : b)); // flips every other example: 10 up, 10 down
      const result = pairedTest(arm, base, { seed: 5 });
      assert.equal(result.difference.estimate, 0);
      assert.ok(result.pValue > 0.9, `p ${result.pValue}`);
      assert.ok(result.difference.lower < 0 && result.difference.upper > 0);
    });

    it('is the same for the same seed', () => {
      const base = binary(12, 30);
      const arm = binary(18, 30);
      assert.deepEqual(pairedTest(arm, base, { seed: 9 }), pairedTest(arm, base, { seed: 9 }));
    });

    it('needs the two arms to score the same examples', () => {
      assert.throws(() => pairedTest([1, 0], [1]), /the arm has 2 scores and the base model 1/);
    });
  });
});
