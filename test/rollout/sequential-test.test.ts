import assert from 'node:assert/strict';
import {
  type AbDecision,
  type ArmTally,
  type SequentialTestConfig,
  LATENCY_BUCKETS_S,
  addTallies,
  analyseAbTest,
  emptyTally,
  latencyBucket,
  latencyQuantile,
  mixtureTest,
} from '../../src/rollout/sequential-test';
import { type Random, seededRandom } from '../support/seeded-random';

const config: SequentialTestConfig = {
  alpha: 0.05,
  effectSize: 0.05,
  minSamples: 100,
  maxSamples: 2000,
  maxLatencyRatio: 1.25,
  maxErrorRateIncrease: 0.02,
};

/** A tally with every answered request in the bucket of `latencyS`. */
function tally({ latencyS = 0.2, ...counts }: Partial<Omit<ArmTally, 'latency'>> & { latencyS?: number }): ArmTally {
  const t = { ...emptyTally(), ...counts };
  t.latency[latencyBucket(latencyS)] = t.requests - t.errors;
  return t;
}

interface Truth {
  control: number;
  treatment: number;
  /** Share of traffic the treatment gets. */
  share: number;
}

interface Run {
  /** The first decision other than 'continue'. */
  decision: AbDecision['kind'];
  /** Whether a two-proportion z-test at 5%, repeated at every look up to the cap, ever rejected. */
  naiveRejected: boolean;
}

/**
 * One experiment as a monitoring loop sees it: batches of `batch` feedback events (each answered at 0.2 s, no
 * errors), a look after every batch. With `toCap` it keeps feeding after the mSPRT decides, so that the naive
 * test gets every look up to the cap.
 */
function experiment(random: Random, truth: Truth, cfg: SequentialTestConfig, toCap: boolean, batch = 50): Run {
  const arms = { control: emptyTally(), treatment: emptyTally() };
  const bucket = latencyBucket(0.2);
  let decision: AbDecision['kind'] | null = null;
  let naiveRejected = false;
  for (;;) {
    for (let i = 0; i < batch; i++) {
      const arm = random() < truth.share ? 'treatment' : 'control';
      const t = arms[arm];
      t.requests += 1;
      t.feedback += 1;
      t.latency[bucket] += 1;
      if (random() < truth[arm]) t.resolved += 1;
    }
    const { control: c, treatment: t } = arms;
    if (decision === null) {
      const kind = analyseAbTest(c, t, cfg).decision.kind;
      if (kind !== 'continue') decision = kind;
    }
    if (!naiveRejected && c.feedback >= cfg.minSamples && t.feedback >= cfg.minSamples) {
      const pooled = (c.resolved + t.resolved) / (c.feedback + t.feedback);
      const se = Math.sqrt(pooled * (1 - pooled) * (1 / c.feedback + 1 / t.feedback));
      const z = (t.resolved / t.feedback - c.resolved / c.feedback) / se;
      naiveRejected = Math.abs(z) >= 1.959964;
    }
    const capped = c.feedback >= cfg.maxSamples && t.feedback >= cfg.maxSamples;
    if (decision !== null && (!toCap || capped)) return { decision, naiveRejected };
  }
}

function simulate(seed: number, runs: number, truth: Truth, cfg: SequentialTestConfig, toCap = false) {
  const random = seededRandom(seed);
  const counts = { continue: 0, promote: 0, rollback: 0, inconclusive: 0, naive: 0 };
  for (let i = 0; i < runs; i++) {
    const run = experiment(random, truth, cfg, toCap);
    counts[run.decision] += 1;
    if (run.naiveRejected) counts.naive += 1;
  }
  const rate = (n: number) => n / runs;
  return { promote: rate(counts.promote), rollback: rate(counts.rollback), inconclusive: rate(counts.inconclusive), naive: rate(counts.naive) };
}

/** Answered-request tally with latencies drawn uniformly from [low, high] seconds. */
function latencies(random: Random, n: number, low: number, high: number): ArmTally {
  const t = emptyTally();
  for (let i = 0; i < n; i++) t.latency[latencyBucket(low + (high - low) * random())] += 1;
  return { ...t, requests: n };
}

describe('sequential A/B test (mSPRT)', () => {
  describe('tallies and latency histogram', () => {
    it('has geometric buckets from 0.01 s to about 60 s', () => {
      assert.equal(LATENCY_BUCKETS_S.length, 40);
      assert.equal(LATENCY_BUCKETS_S[0], 0.01);
      assert.ok(Math.abs(LATENCY_BUCKETS_S[39] - 60.18) < 0.01, `last bound ${LATENCY_BUCKETS_S[39]}`);
      for (let i = 1; i < 40; i++) assert.ok(Math.abs(LATENCY_BUCKETS_S[i] / LATENCY_BUCKETS_S[i - 1] - 1.25) < 1e-12);
      assert.equal(emptyTally().latency.length, 41);
    });

    it('puts a latency in the first bucket whose upper bound holds it', () => {
      assert.equal(latencyBucket(0), 0);
      assert.equal(latencyBucket(0.01), 0);
      assert.equal(latencyBucket(LATENCY_BUCKETS_S[5]), 5);
      assert.equal(latencyBucket(LATENCY_BUCKETS_S[5] * 1.0001), 6);
      assert.equal(latencyBucket(61), 40);
    });

    it('reads quantiles off a known histogram', () => {
      const t = emptyTally();
      t.latency[3] = 10;
      t.latency[10] = 85;
      t.latency[40] = 5;
      assert.equal(latencyQuantile(t, 0.05), LATENCY_BUCKETS_S[3]);
      assert.equal(latencyQuantile(t, 0.1), LATENCY_BUCKETS_S[3]); // rank 10 is the last of bucket 3
      assert.equal(latencyQuantile(t, 0.11), LATENCY_BUCKETS_S[10]);
      assert.equal(latencyQuantile(t, 0.95), LATENCY_BUCKETS_S[10]); // rank 95
      assert.equal(latencyQuantile(t, 0.96), Infinity); // overflow bucket
      assert.equal(latencyQuantile(emptyTally(), 0.5), null);
      assert.throws(() => latencyQuantile(t, 1), /quantile must lie in \(0, 1\)/);
    });

    it('adds tallies without touching its arguments', () => {
      const a = tally({ requests: 10, errors: 1, feedback: 4, resolved: 3, latencyS: 0.1 });
      const b = tally({ requests: 5, errors: 0, feedback: 2, resolved: 1, latencyS: 1 });
      const before = JSON.stringify([a, b]);
      const sum = addTallies(a, b);
      assert.equal(JSON.stringify([a, b]), before);
      assert.deepEqual({ ...sum, latency: undefined }, { requests: 15, errors: 1, feedback: 6, resolved: 4, latency: undefined });
      assert.equal(sum.latency[latencyBucket(0.1)], 9);
      assert.equal(sum.latency[latencyBucket(1)], 5);
      assert.equal(sum.latency.reduce((s, n) => s + n, 0), 14);
      assert.deepEqual(addTallies(emptyTally(), emptyTally()), emptyTally());
    });
  });

  describe('one look', () => {
    it('matches the mixture ratio and its inverted interval computed by hand', () => {
      // 1065/1500 vs 975/1500; variance with half a success in one extra trial per arm.
      const c = tally({ requests: 1500, feedback: 1500, resolved: 975 });
      const t = tally({ requests: 1500, feedback: 1500, resolved: 1065 });
      const a = analyseAbTest(c, t, config);
      const v = (x: number, n: number) => (((x + 0.5) / (n + 1)) * (1 - (x + 0.5) / (n + 1))) / n;
      const s2 = v(975, 1500) + v(1065, 1500);
      const t2 = 0.05 ** 2;
      const theta = 0.06;
      const lambda = Math.sqrt(s2 / (s2 + t2)) * Math.exp((t2 * theta * theta) / (2 * s2 * (s2 + t2)));
      assert.ok(Math.abs(a.difference! - theta) < 1e-12);
      assert.ok(Math.abs(a.likelihoodRatio / lambda - 1) < 1e-9, `${a.likelihoodRatio} vs ${lambda}`);
      assert.ok(Math.abs(a.pValue - 1 / lambda) < 1e-12);
      // At both ends of the interval the ratio against that difference is exactly 1/alpha.
      const logRatioAt = (theta0: number) => 0.5 * Math.log(s2 / (s2 + t2)) + (t2 * (theta - theta0) ** 2) / (2 * s2 * (s2 + t2));
      for (const end of a.interval!) assert.ok(Math.abs(logRatioAt(end) - Math.log(20)) < 1e-9);
      assert.equal(a.decision.kind, 'promote');
      assert.match(a.decision.reason, /^treatment resolves 0\.710 vs control 0\.650 \(\+0\.060, always-valid 95% CI \[0\.\d{3}, 0\.\d{3}\]\); mSPRT rejects equality at alpha 0\.05 after 1500\/1500 feedback$/);
      assert.deepEqual(a.control, { successRate: 0.65, errorRate: 0, p95LatencyS: LATENCY_BUCKETS_S[latencyBucket(0.2)], feedback: 1500, requests: 1500 });
    });

    it('rejects exactly when the interval excludes zero', () => {
      const random = seededRandom(11);
      for (let i = 0; i < 300; i++) {
        const nC = 100 + Math.floor(random() * 3000);
        const nT = 100 + Math.floor(random() * 3000);
        const test = mixtureTest(
          { successes: Math.round(nC * 0.6), trials: nC },
          { successes: Math.round(nT * (0.5 + 0.2 * random())), trials: nT },
          0.05,
          0.05,
        )!;
        const rejects = test.logLikelihoodRatio >= Math.log(20);
        const excludesZero = test.interval[0] > 0 || test.interval[1] < 0;
        if (Math.abs(Math.abs(test.difference) - (test.interval[1] - test.interval[0]) / 2) > 1e-12) assert.equal(rejects, excludesZero);
      }
    });

    it('keeps the variance positive when a rate is 0 or 1', () => {
      const a = analyseAbTest(tally({ requests: 200, feedback: 200, resolved: 0 }), tally({ requests: 200, feedback: 200, resolved: 200 }), config);
      assert.ok(Number.isFinite(a.likelihoodRatio) && a.likelihoodRatio > 20);
      assert.equal(a.pValue < 0.05, true);
      assert.equal(a.decision.kind, 'promote');
      const same = analyseAbTest(tally({ requests: 200, feedback: 200, resolved: 200 }), tally({ requests: 200, feedback: 200, resolved: 200 }), config);
      assert.equal(same.difference, 0);
      assert.ok(same.likelihoodRatio < 1);
      assert.equal(same.pValue, 1);
    });

    it('reports nothing computable without feedback', () => {
      const a = analyseAbTest(emptyTally(), emptyTally(), config);
      assert.equal(a.decision.kind, 'continue');
      assert.deepEqual([a.difference, a.likelihoodRatio, a.pValue, a.interval], [null, 1, 1, null]);
      assert.deepEqual(a.treatment, { successRate: null, errorRate: null, p95LatencyS: null, feedback: 0, requests: 0 });
    });

    it('waits for minSamples of feedback in each arm, however large the difference', () => {
      const a = analyseAbTest(tally({ requests: 900, feedback: 900, resolved: 300 }), tally({ requests: 99, feedback: 99, resolved: 99 }), config);
      assert.ok(a.likelihoodRatio > 1e6);
      assert.equal(a.decision.kind, 'continue');
      assert.equal(a.decision.reason, 'waiting for 100 feedback per arm (treatment 99, control 900)');
    });

    it('is inconclusive once both arms reach the cap without a rejection', () => {
      const c = tally({ requests: 2000, feedback: 2000, resolved: 1200 });
      const below = analyseAbTest(c, tally({ requests: 1999, feedback: 1999, resolved: 1215 }), config);
      assert.equal(below.decision.kind, 'continue');
      assert.match(below.decision.reason, /not significant yet/);
      const at = analyseAbTest(c, tally({ requests: 2000, feedback: 2000, resolved: 1215 }), config);
      assert.equal(at.decision.kind, 'inconclusive');
      assert.match(at.decision.reason, /no significant difference after 2000\/2000 feedback \(cap 2000 per arm\)/);
      assert.ok(at.interval![0] < 0 && at.interval![1] > 0);
    });
  });

  describe('guardrails', () => {
    it('rolls back a treatment twice as slow, before any feedback and despite a better success rate', () => {
      const random = seededRandom(21);
      const c = latencies(random, 2000, 0.1, 0.3);
      const t = latencies(random, 200, 0.2, 0.6);
      const early = analyseAbTest(c, t, config);
      assert.equal(early.decision.kind, 'rollback');
      assert.match(
        early.decision.reason,
        /^treatment p95 latency 0\.\d{3} s vs control 0\.\d{3} s exceeds the 1\.25x limit; 0\.\d{3} of its answers took over 0\.\d{3} s vs control 0\.0\d{2}, mSPRT significant at alpha 0\.05 after 200\/2000 answered requests$/,
      );
      // Tests begun before the sequential guardrail (their workflows replay with it) compare the p95s alone.
      const before = analyseAbTest(c, t, { ...config, latencyGuardrail: 'p95-ratio' });
      assert.match(before.decision.reason, /^treatment p95 latency 0\.\d{3} s vs control 0\.\d{3} s exceeds the 1\.25x limit$/);
      const better = analyseAbTest({ ...c, feedback: 2000, resolved: 1000 }, { ...t, feedback: 200, resolved: 180 }, config);
      assert.equal(better.decision.kind, 'rollback');
      assert.match(better.decision.reason, /latency/);
      assert.ok(better.treatment.p95LatencyS! / better.control.p95LatencyS! > 1.9);
    });

    it('does not trigger on equal latency, nor on a one-bucket shift, but does on two', () => {
      const random = seededRandom(22);
      for (let i = 0; i < 20; i++) {
        const a = analyseAbTest(latencies(random, 2000, 0.1, 0.3), latencies(random, 2000, 0.1, 0.3), config);
        assert.equal(a.decision.kind, 'continue', a.decision.reason);
      }
      const at = (bucket: number) => tally({ requests: 500, latencyS: LATENCY_BUCKETS_S[bucket] });
      assert.equal(analyseAbTest(at(20), at(20), config).decision.kind, 'continue');
      assert.equal(analyseAbTest(at(20), at(21), config).decision.kind, 'continue');
      assert.equal(analyseAbTest(at(20), at(22), config).decision.kind, 'rollback');
      // Too few answered requests in the treatment: no verdict on latency yet.
      assert.equal(analyseAbTest(at(20), tally({ requests: 99, latencyS: 30 }), config).decision.kind, 'continue');
      const overflow = analyseAbTest(at(20), tally({ requests: 500, latencyS: 100 }), config);
      assert.equal(overflow.decision.kind, 'rollback');
      assert.match(overflow.decision.reason, /treatment p95 latency over 60\.2 s/);
    });

    it('names the share of answers past the limit in its reason, from histogram buckets', () => {
      // Control: 95 answers at bucket 20 and 5 at 21, so its p95 is bucket 20 and the limit (x1.25) is bucket 21's bound.
      const c = { ...emptyTally(), requests: 100 };
      c.latency[20] = 95;
      c.latency[21] = 5;
      // Treatment: 60 at bucket 20, 40 at bucket 22: its p95 is bucket 22, past the limit.
      const t = { ...emptyTally(), requests: 100 };
      t.latency[20] = 60;
      t.latency[22] = 40;
      const a = analyseAbTest(c, t, config);
      assert.equal(a.decision.kind, 'rollback');
      assert.equal(
        a.decision.reason,
        `treatment p95 latency ${LATENCY_BUCKETS_S[22].toFixed(3)} s vs control ${LATENCY_BUCKETS_S[20].toFixed(3)} s exceeds the 1.25x limit; ` +
          `0.400 of its answers took over ${LATENCY_BUCKETS_S[21].toFixed(3)} s vs control 0.000, mSPRT significant at alpha 0.05 after 100/100 answered requests`,
      );
      // Six answers past the limit instead of forty: the p95 is past it too, but one look at 100 answers cannot tell it from noise.
      t.latency[20] = 94;
      t.latency[22] = 6;
      assert.equal(analyseAbTest(c, t, config).decision.kind, 'continue');
      assert.equal(analyseAbTest(c, t, { ...config, latencyGuardrail: 'p95-ratio' }).decision.kind, 'rollback');
    });

    describe('under continuous monitoring, simulated', function () {
      this.timeout(120_000);
      // Log-normal latencies (median 0.8 s, sigma 1: a long tail, as answers of very different lengths give), a look
      // after every 50 requests up to 4,000, at least 100 answered per arm.
      const latencyExperiments = (seed: number, share: number, slowdown: number, guardrail: SequentialTestConfig['latencyGuardrail']) => {
        const random = seededRandom(seed);
        const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const runs = 200;
        let rolledBack = 0;
        for (let run = 0; run < runs; run++) {
          const arms = { control: emptyTally(), treatment: emptyTally() };
          for (let request = 1; request <= 4000; request++) {
            const arm = random() < share ? 'treatment' : 'control';
            arms[arm].requests += 1;
            arms[arm].latency[latencyBucket((arm === 'treatment' ? slowdown : 1) * 0.8 * Math.exp(normal()))] += 1;
            if (request % 50 === 0 && analyseAbTest(arms.control, arms.treatment, { ...config, maxSamples: 10_000, latencyGuardrail: guardrail }).decision.kind === 'rollback') {
              rolledBack += 1;
              break;
            }
          }
        }
        return rolledBack / runs;
      };

      for (const share of [0.5, 0.1]) {
        it(`keeps false latency rollbacks of equal arms (share ${share}) under alpha, where comparing p95s at every look does not`, () => {
          const sequential = latencyExperiments(400 + share * 10, share, 1, 'sequential');
          const ratio = latencyExperiments(400 + share * 10, share, 1, 'p95-ratio');
          console.log(`      equal latency, share ${share}: sequential ${sequential}, p95 ratio alone ${ratio}`);
          assert.ok(sequential <= config.alpha, `false rollbacks ${sequential}`);
          assert.ok(ratio > config.alpha, `p95 ratio alone rolled back ${ratio}`);
        });

        it(`rolls back a treatment twice as slow (share ${share}) within 4,000 requests`, () => {
          const rate = latencyExperiments(500 + share * 10, share, 2, 'sequential');
          console.log(`      twice as slow, share ${share}: rolled back ${rate}`);
          assert.ok(rate >= 0.95, `rolled back ${rate}`);
        });
      }
    });

    it('rolls back a treatment failing 10% of requests against 1%, naming errors', () => {
      const a = analyseAbTest(tally({ requests: 5000, errors: 50 }), tally({ requests: 500, errors: 50 }), config);
      assert.equal(a.decision.kind, 'rollback');
      assert.equal(
        a.decision.reason,
        'treatment errors on 0.100 of requests vs control 0.010 (+0.090, limit +0.02); mSPRT significant at alpha 0.05 after 500/5000 requests',
      );
      assert.equal(a.treatment.errorRate, 0.1);
    });

    it('tolerates an error increase that is small, or large but not yet significant, or on too few requests', () => {
      // +0.015: significant on this much traffic, but under the limit.
      assert.equal(analyseAbTest(tally({ requests: 50_000, errors: 500 }), tally({ requests: 50_000, errors: 1250 }), config).decision.kind, 'continue');
      // +0.030 on 100 treatment requests: over the limit, but noise at this sample size.
      assert.equal(analyseAbTest(tally({ requests: 1000, errors: 10 }), tally({ requests: 100, errors: 4 }), config).decision.kind, 'continue');
      assert.equal(analyseAbTest(tally({ requests: 1000, errors: 10 }), tally({ requests: 99, errors: 99 }), config).decision.kind, 'continue');
    });
  });

  describe('continuous monitoring, simulated', function () {
    this.timeout(120_000);

    for (const share of [0.5, 0.1]) {
      it(`promotes a truly better treatment (0.70 vs 0.60, share ${share}) before the cap`, () => {
        const r = simulate(100 + share * 10, 200, { control: 0.6, treatment: 0.7, share }, config);
        console.log(`      better, share ${share}: promote ${r.promote}, rollback ${r.rollback}, inconclusive ${r.inconclusive}`);
        assert.ok(r.promote >= 0.95, `promoted ${r.promote}`);
        assert.equal(r.rollback, 0);
      });

      it(`rolls back a truly worse treatment (0.50 vs 0.60, share ${share}) before the cap`, () => {
        const r = simulate(200 + share * 10, 200, { control: 0.6, treatment: 0.5, share }, config);
        console.log(`      worse, share ${share}: rollback ${r.rollback}, promote ${r.promote}, inconclusive ${r.inconclusive}`);
        assert.ok(r.rollback >= 0.95, `rolled back ${r.rollback}`);
        assert.equal(r.promote, 0);
      });

      it(`keeps false rejections of equal arms (0.60, share ${share}) under alpha, where a repeated z-test does not`, () => {
        const r = simulate(300 + share * 10, 2000, { control: 0.6, treatment: 0.6, share }, { ...config, maxSamples: 1000 }, true);
        console.log(`      equal, share ${share}: promote ${r.promote}, rollback ${r.rollback}, naive z-test ${r.naive}`);
        assert.ok(r.promote <= config.alpha, `false promotions ${r.promote}`);
        assert.ok(r.promote + r.rollback <= config.alpha, `false rejections ${r.promote + r.rollback}`);
        assert.ok(r.naive > config.alpha, `naive repeated z-test rejected ${r.naive}`);
      });
    }
  });
});
