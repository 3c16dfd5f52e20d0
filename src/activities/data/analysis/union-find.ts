import { GrowableArray } from './growable';

/** Disjoint sets over record indexes (path halving, union by smaller index so a group's root is its first record). */
export class UnionFind {
  private readonly parent = new GrowableArray((n) => new Int32Array(n), -1);

  find(index: number): number {
    let i = index;
    for (;;) {
      const p = this.parent.get(i);
      if (p === -1) return i;
      const grand = this.parent.get(p);
      if (grand !== -1) this.parent.set(i, grand);
      i = p;
    }
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent.set(rb, ra);
    else this.parent.set(ra, rb);
  }
}
