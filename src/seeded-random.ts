/** A float in [0, 1) from a seeded stream. */
export type Random = () => number;

/**
 * mulberry32: a tiny seeded generator, the same sequence for the same seed on every worker and on replay.
 * Pure, so workflow code may use it. Not for cryptography.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
