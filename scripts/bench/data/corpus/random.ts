/**
 * A small seeded generator (mulberry32): the benchmark corpus must be byte-identical for the same seed on every
 * machine and Node version, which Math.random cannot promise.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mixing the seed keeps nearby seeds (1, 2, 3) from starting on correlated streams.
    this.state = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A string of `count` decimal digits, leading zeros allowed. */
  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String.fromCharCode(48 + Math.floor(this.next() * 10));
    return out;
  }
}
