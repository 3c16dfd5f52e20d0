/**
 * A map from 64-bit keys (two 32-bit halves) to record indexes, in open-addressing typed arrays: about 24
 * bytes an entry, where a JS Map of strings would take several times that for a million keys.
 */
export class KeyMap {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private values: Int32Array;
  private count = 0;

  constructor(capacity = 1 << 12) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for the key, or -1. */
  get(hi: number, lo: number): number {
    const slot = this.find(hi, lo);
    return this.values[slot]!;
  }

  set(hi: number, lo: number, value: number): void {
    if ((this.count + 1) * 2 > this.values.length) this.resize();
    const slot = this.find(hi, lo);
    if (this.values[slot] === -1) this.count += 1;
    this.hi[slot] = hi;
    this.lo[slot] = lo;
    this.values[slot] = value;
  }

  private find(hi: number, lo: number): number {
    const mask = this.values.length - 1;
    let slot = (Math.imul(lo ^ (hi >>> 7), 0x9e3779b1) >>> 0) & mask;
    while (this.values[slot] !== -1 && (this.hi[slot] !== hi || this.lo[slot] !== lo)) slot = (slot + 1) & mask;
    return slot;
  }

  private resize(): void {
    const { hi, lo, values } = this;
    this.hi = new Uint32Array(values.length * 2);
    this.lo = new Uint32Array(values.length * 2);
    this.values = new Int32Array(values.length * 2).fill(-1);
    this.count = 0;
    for (let i = 0; i < values.length; i++) if (values[i] !== -1) this.set(hi[i]!, lo[i]!, values[i]!);
  }
}
