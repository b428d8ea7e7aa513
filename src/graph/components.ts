// Connected components by union-find (path halving, union by size). Directed graphs give weakly
// connected components.
import type { Graph } from './graph.js';

export class UnionFind {
  readonly parent: Uint32Array;
  private readonly size: Uint32Array;
  constructor(n: number) {
    this.parent = new Uint32Array(n);
    this.size = new Uint32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }
  /** Joins the sets of a and b; returns false if they were already one. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra] += this.size[rb]!;
    return true;
  }
  /** Component label per element, numbered 0.. in order of each component's smallest element. */
  labels(): { count: number; labels: Uint32Array } {
    const n = this.parent.length;
    const labels = new Uint32Array(n);
    const rootLabel = new Int32Array(n).fill(-1);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const r = this.find(i);
      if (rootLabel[r]! < 0) rootLabel[r] = count++;
      labels[i] = rootLabel[r]!;
    }
    return { count, labels };
  }
}

/** Connected components (weak, for directed graphs): count and a label per node, numbered by smallest node. */
export function graphComponents(g: Graph): { count: number; labels: Uint32Array; sizes: Uint32Array } {
  const uf = new UnionFind(g.n);
  for (let k = 0; k < g.src.length; k++) uf.union(g.src[k]!, g.dst[k]!);
  const { count, labels } = uf.labels();
  const sizes = new Uint32Array(count);
  for (let i = 0; i < g.n; i++) sizes[labels[i]!]!++;
  return { count, labels, sizes };
}
