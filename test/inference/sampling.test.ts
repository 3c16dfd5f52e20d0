import assert from 'node:assert/strict';
import { argmax, sampleToken } from '../../src/inference/sampling';
import { seededRandom } from '../../src/seeded-random';
import { cutAtStop } from '../../src/inference/stop-sequences';

describe('sampling', () => {
  it('picks the largest logit when greedy', () => {
    assert.equal(argmax(Float32Array.from([0.1, 3, -2, 2.9])), 1);
  });

  it('draws the same numbers for the same seed and others for another seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, a);
    assert.deepEqual(Array.from({ length: 5 }, b), first);
    assert.notDeepEqual(Array.from({ length: 5 }, c), first);
    assert.ok(first.every((x) => x >= 0 && x < 1));
  });

  it('only samples from the nucleus', () => {
    // Probabilities about 0.64, 0.24, 0.09, 0.03: top-p 0.8 keeps the first two.
    const logits = Float32Array.from([3, 2, 1, 0]);
    const random = seededRandom(1);
    const seen = new Set(Array.from({ length: 400 }, () => sampleToken(logits, { temperature: 1, topP: 0.8, random })));
    assert.deepEqual([...seen].sort(), [0, 1]);
  });

  it('samples in proportion to the probabilities at temperature 1', () => {
    const logits = Float32Array.from([Math.log(3), 0]);
    const random = seededRandom(7);
    const zeros = Array.from({ length: 4000 }, () => sampleToken(logits, { temperature: 1, topP: 1, random })).filter((t) => t === 0).length;
    assert.ok(Math.abs(zeros / 4000 - 0.75) < 0.03, `token 0 drawn ${zeros} times in 4000`);
  });

  it('finds the nucleus in a large vocabulary where most tokens are unlikely', () => {
    const logits = new Float32Array(50_000).fill(-20);
    logits[123] = 5;
    logits[4567] = 4.5;
    const random = seededRandom(3);
    const seen = new Set(Array.from({ length: 200 }, () => sampleToken(logits, { temperature: 1, topP: 0.9, random })));
    assert.deepEqual([...seen].sort((x, y) => x - y), [123, 4567]);
  });
});

describe('stop sequences', () => {
  it('cuts the text before the earliest stop', () => {
    assert.equal(cutAtStop('Sure.\nUser: next\n###', ['###', '\nUser:']), 'Sure.');
  });

  it('returns null when no stop occurs, and ignores empty stops', () => {
    assert.equal(cutAtStop('all fine', ['', 'END']), null);
  });
});
