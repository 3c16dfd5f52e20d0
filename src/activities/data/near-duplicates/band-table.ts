/** Largest number of texts: an id shares its 32-bit slot with an 8-bit tag. */
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
  /** Bit per id: filed in this table. Lets the table grow by re-filing ids in ascending order without sorting. */
  private members = new Uint32Array(64);
  /** Where the last lookup's probe ended: the free slot where that key's next entry goes. */
  private lastKey = 0;
  private lastFreeSlot = -1;

  /** @param keyOf recomputes an entry's key from its stored signature, to re-file entries when the table grows. */
  constructor(private readonly keyOf: (id: number) => number) {}

  get bytes(): number {
    return this.slots.byteLength + this.members.byteLength;
  }

  /** Reads the home slot of `key`: a cheap first touch, so that a later lookup finds it in cache. */
  touch(key: number): number {
    return this.slots[key & (this.slots.length - 1)];
  }

  /** Writes into `into` the ids whose key may equal `key` (same tag), in ascending order; returns how many. */
  lookup(key: number, into: Int32Array): number {
    const { slots } = this;
    const mask = slots.length - 1;
    const tag = key >>> 24;
    let found = 0;
    let slot = key & mask;
    for (; slots[slot] !== 0; slot = (slot + 1) & mask) {
      const entry = slots[slot];
      if (entry >>> 24 === tag && found < into.length) into[found++] = (entry & 0xffffff) - 1;
    }
    this.lastKey = key;
    this.lastFreeSlot = slot;
    return found;
  }

  /** Files `id` under `key`; ids must be filed in ascending order. Quickest right after `lookup(key)`. */
  insert(key: number, id: number): void {
    if (this.entries + 1 > this.slots.length * MAX_LOAD) this.grow();
    if (key === this.lastKey && this.lastFreeSlot >= 0) this.slots[this.lastFreeSlot] = slotValue(key, id);
    else file(this.slots, key, id);
    this.lastFreeSlot = -1;
    this.entries++;
    if (id >>> 5 >= this.members.length) {
      const members = new Uint32Array(Math.max(this.members.length * 2, (id >>> 5) + 1));
      members.set(this.members);
      this.members = members;
    }
    this.members[id >>> 5] |= 1 << (id & 31);
  }

  /** Doubles the table and re-files every member, in ascending id order so that each key's entries stay in order. */
  private grow(): void {
    const { members, keyOf } = this;
    this.lastFreeSlot = -1;
    this.slots = new Uint32Array(this.slots.length * 2);
    for (let word = 0; word < members.length; word++) {
      for (let bits = members[word]; bits !== 0; bits &= bits - 1) {
        const id = word * 32 + 31 - Math.clz32(bits & -bits);
        file(this.slots, keyOf(id), id);
      }
    }
  }
}

function file(slots: Uint32Array, key: number, id: number): void {
  const mask = slots.length - 1;
  let slot = key & mask;
  while (slots[slot] !== 0) slot = (slot + 1) & mask;
  slots[slot] = slotValue(key, id);
}

/** The key's top 8 bits as a tag, and `id + 1` (0 marks a free slot). */
function slotValue(key: number, id: number): number {
  return (key & 0xff000000) | (id + 1);
}
