// Node orderings that keep communities contiguous, for adjacency heatmaps.
import { ShapeError, ValueError } from '../../runtime/errors.js';

/**
 * A permutation (perm[k] = node shown at position k) that sorts nodes by their group in the
 * first (coarsest) partition, then within it by the next partition, and so on, ties by node
 * index. Groups of each level are placed in order of their smallest member, so the result does
 * not depend on how the labels are numbered. The partitions need not be nested: each level just
 * refines the order inside the previous level's blocks.
 */
export function communityOrder(partitions: readonly ArrayLike<number>[], n?: number): Uint32Array {
  const op = 'communityOrder';
  const N = n ?? partitions[0]?.length;
  if (N === undefined) throw new ShapeError(op, 'give n or at least one partition');
  const keys: Uint32Array[] = partitions.map((p, lvl) => {
    if (p.length !== N) throw new ShapeError(op, `partition ${lvl} has length ${p.length}, expected ${N}`);
    const first = new Map<number, number>();
    const out = new Uint32Array(N);
    for (let i = 0; i < N; i++) {
      const g = p[i]!;
      if (!Number.isFinite(g)) throw new ValueError(op, `partition ${lvl} has label ${g} at node ${i}`);
      if (!first.has(g)) first.set(g, first.size); // numbered by smallest member
      out[i] = first.get(g)!;
    }
    return out;
  });
  const perm = Array.from({ length: N }, (_, i) => i);
  perm.sort((a, b) => {
    for (const k of keys) if (k[a] !== k[b]) return k[a]! - k[b]!;
    return a - b;
  });
  return Uint32Array.from(perm);
}

/** The inverse permutation: position of each node. */
export function inversePermutation(perm: ArrayLike<number>): Uint32Array {
  const inv = new Uint32Array(perm.length);
  for (let k = 0; k < perm.length; k++) inv[perm[k]!] = k;
  return inv;
}
