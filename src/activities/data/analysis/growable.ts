type TypedArray = Int32Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * A typed array that grows by doubling: per-record state of a million records costs a few bytes each,
 * instead of a JS object per record.
 */
export class GrowableArray<T extends TypedArray> {
  private data: T;

  constructor(
    private readonly make: (length: number) => T,
    private readonly fill = 0,
  ) {
    this.data = make(1024);
    if (fill !== 0) this.data.fill(fill);
  }

  get(index: number): number {
    return index < this.data.length ? (this.data[index] as number) : this.fill;
  }

  set(index: number, value: number): void {
    if (index >= this.data.length) this.grow(index + 1);
    this.data[index] = value;
  }

  /** The first `length` values, sharing this array's memory (for a batch handed over as a whole). */
  view(length: number): T {
    if (length > this.data.length) this.grow(length);
    return this.data.subarray(0, length) as T;
  }

  get bytes(): number {
    return this.data.byteLength;
  }

  private grow(minLength: number): void {
    let length = this.data.length * 2;
    while (length < minLength) length *= 2;
    const next = this.make(length);
    if (this.fill !== 0) next.fill(this.fill);
    next.set(this.data as never);
    this.data = next;
  }
}
