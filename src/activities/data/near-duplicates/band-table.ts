/** Largest id a slot can hold: ids share a 32-bit slot with an 8-bit tag. */
export const MAX_ITEMS = 0xffffff - 1;
const MAX_LOAD = 0.75;

/**
 * The LSH buckets of one band: band key → ids of texts with that key, as an open-addressing (linear probing) hash
 * table in one Uint32Array. A slot holds `id + 1` in its low 24 bits and the key's top 8 bits as a tag, so a
 * lookup skips other keys' entries without reading their signatures; keys themselves are not stored (a tag match
 * is confirmed by comparing the two signatures' bands). Linear probing without deletion keeps the entries of one
 * key in insertion order, that is by ascending id, which lets a lookup stop at the earliest match.
 */
export class BandTable {
  private slots = new Uint32Array(1024);
  private entries = 0;

  /** @param keyOf recomputes an entry's key from its stored signature, to re-place entries when the table grows. */
  constructor(private readonly keyOf: (id: number) => number) {}

  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Writes into `into` the ids whose key may equal `key` (same tag), in ascending order; returns how many. */
  lookup(key: number, into: Int32Array): number {
    const { slots } = this;
    const mask = slots.length - 1;
    const tag = key >>> 24;
    let found = 0;
    for (let slot = key & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      const entry = slots[slot];
      if (entry >>> 24 === tag && found < into.length) into[found++] = (entry & 0xffffff) - 1;
    }
    return found;
  }

  insert(key: number, id: number): void {
    if (this.entries + 1 > this.slots.length * MAX_LOAD) this.grow();
    place(this.slots, key, id);
    this.entries++;
  }

  /** Doubles the table, re-placing entries in ascending id order so that each key's entries stay in order. */
  private grow(): void {
    const ids = new Int32Array(this.entries);
    let n = 0;
    for (const entry of this.slots) if (entry !== 0) ids[n++] = (entry & 0xffffff) - 1;
    ids.sort();
    this.slots = new Uint32Array(this.slots.length * 2);
    for (const id of ids) place(this.slots, this.keyOf(id), id);
  }
}

function place(slots: Uint32Array, key: number, id: number): void {
  const mask = slots.length - 1;
  let slot = key & mask;
  while (slots[slot] !== 0) slot = (slot + 1) & mask;
  slots[slot] = ((key >>> 24) << 24) | (id + 1);
}
