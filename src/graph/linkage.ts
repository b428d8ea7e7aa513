// Average-linkage (UPGMA) hierarchical clustering from a dense distance matrix, the cut into k
// clusters, and the partition stability Psi of Villegas et al. (PRR 7, 013065, 2025) that picks
// the cut. The distance there is D_ij = 1 / K_ij(tau), computed on the GPU; here it is any
// symmetric non-negative n x n matrix.
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { UnionFind } from './components.js';

/**
 * A dendrogram in scipy's linkage convention: merge k joins clusters left[k] and right[k]
 * (ids < n are leaves, id n + j is the cluster made by merge j) at height[k], giving a cluster of
 * size[k] leaves. Heights are non-decreasing (average linkage has no inversions).
 */
export interface Linkage {
  n: number;
  left: Uint32Array;
  right: Uint32Array;
  height: Float64Array;
  size: Uint32Array;
}

/**
 * UPGMA by the nearest-neighbour chain (Murtagh 1983): O(n^2) time, one float64 n x n working
 * copy. The input is read as symmetric: (D_ij + D_ji) / 2 is used, the diagonal ignored. +Infinity
 * is allowed (e.g. 1/K_ij where K_ij underflowed): such clusters merge last, at height Infinity.
 * Ties are broken towards the previous chain element, then the lowest index, so results are
 * deterministic.
 */
export function averageLinkage(dist: ArrayLike<number>, n?: number): Linkage {
  const op = 'averageLinkage';
  const N = n ?? Math.round(Math.sqrt(dist.length));
  if (N * N !== dist.length) throw new ShapeError(op, `distance matrix has ${dist.length} entries, expected n * n${n !== undefined ? ` = ${n * n}` : ' (a square)'}`);
  if (N < 1) throw new ShapeError(op, 'needs at least one point');
  const D = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = i + 1; j < N; j++) {
      const a = dist[i * N + j]!;
      const b = dist[j * N + i]!;
      if (!(a >= 0) || !(b >= 0)) throw new ValueError(op, `distance (${i}, ${j}) is ${!(a >= 0) ? a : b}; distances must be non-negative (NaN is refused)`);
      const d = a === b ? a : (a + b) / 2;
      D[i * N + j] = d;
      D[j * N + i] = d;
    }
  }
  const size = new Float64Array(N).fill(1);
  const active = new Uint8Array(N).fill(1);
  const chain: number[] = [];
  const mA: number[] = [];
  const mB: number[] = [];
  const mH: number[] = [];
  let next = 0; // lowest index that may still be active, for restarting the chain
  for (let merges = 0; merges < N - 1; merges++) {
    for (;;) {
      if (chain.length === 0) {
        while (!active[next]) next++;
        chain.push(next);
      }
      const a = chain[chain.length - 1]!;
      const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
      let best = -1;
      let bestD = Infinity;
      for (let k = 0; k < N; k++) {
        if (k === a || !active[k]) continue;
        const d = D[a * N + k]!;
        if (d < bestD || best < 0) {
          best = k;
          bestD = d;
        }
      }
      if (prev >= 0 && D[a * N + prev]! <= bestD) best = prev;
      if (best !== prev) {
        chain.push(best);
        continue;
      }
      chain.pop();
      chain.pop();
      // Merge a into prev's slot (prev keeps a leaf of the merged cluster, for the relabelling below).
      const h = D[a * N + prev]!;
      mA.push(a);
      mB.push(prev);
      mH.push(h);
      const sa = size[a]!;
      const sb = size[prev]!;
      for (let k = 0; k < N; k++) {
        if (!active[k] || k === a || k === prev) continue;
        const da = D[k * N + a]!;
        const db = D[k * N + prev]!;
        // Lance-Williams for UPGMA; Infinity stays Infinity.
        const d = da === Infinity || db === Infinity ? Infinity : (sa * da + sb * db) / (sa + sb);
        D[k * N + prev] = d;
        D[prev * N + k] = d;
      }
      active[a] = 0;
      size[prev] = sa + sb;
      break;
    }
  }
  // The chain finds merges out of height order; sort (stably: equal heights keep chain order,
  // where a child always precedes its parent) and relabel to scipy ids.
  const order = Array.from({ length: N - 1 }, (_, k) => k).sort((x, y) => mH[x]! - mH[y]! || x - y);
  const uf = new UnionFind(N);
  const idOf = new Uint32Array(N);
  for (let i = 0; i < N; i++) idOf[i] = i;
  const out: Linkage = { n: N, left: new Uint32Array(N - 1), right: new Uint32Array(N - 1), height: new Float64Array(N - 1), size: new Uint32Array(N - 1) };
  const sz = new Uint32Array(2 * N - 1).fill(1);
  order.forEach((k, j) => {
    const ra = uf.find(mA[k]!);
    const rb = uf.find(mB[k]!);
    const x = idOf[ra]!;
    const y = idOf[rb]!;
    out.left[j] = Math.min(x, y);
    out.right[j] = Math.max(x, y);
    out.height[j] = mH[k]!;
    sz[N + j] = sz[x]! + sz[y]!;
    out.size[j] = sz[N + j]!;
    uf.union(ra, rb);
    idOf[uf.find(ra)] = N + j;
  });
  return out;
}

/** Cuts the dendrogram into k clusters (1 <= k <= n): labels 0..k-1 numbered by smallest member. */
export function cutDendrogram(link: Linkage, k: number): Uint32Array {
  if (!Number.isInteger(k) || k < 1 || k > link.n) throw new ValueError('cutDendrogram', `k must be an integer in [1, ${link.n}], got ${k}`);
  return applyMerges(link, link.n - k);
}

/** Cuts at a height: merges with height <= h are kept. */
export function cutAtHeight(link: Linkage, h: number): Uint32Array {
  let m = 0;
  while (m < link.n - 1 && link.height[m]! <= h) m++;
  return applyMerges(link, m);
}

function applyMerges(link: Linkage, count: number): Uint32Array {
  const n = link.n;
  const uf = new UnionFind(n);
  // Each cluster id's representative leaf.
  const rep = new Uint32Array(2 * n - 1);
  for (let i = 0; i < n; i++) rep[i] = i;
  for (let j = 0; j < n - 1; j++) {
    rep[n + j] = rep[link.left[j]!]!;
    if (j < count) uf.union(rep[link.left[j]!]!, rep[link.right[j]!]!);
  }
  return uf.labels().labels;
}

/** Leaves in dendrogram order (left subtree first), for plotting and node ordering. */
export function leafOrder(link: Linkage): Uint32Array {
  const n = link.n;
  const out = new Uint32Array(n);
  if (n === 1) return out;
  let at = 0;
  const stack = [2 * n - 2];
  while (stack.length) {
    const c = stack.pop()!;
    if (c < n) out[at++] = c;
    else stack.push(link.right[c - n]!, link.left[c - n]!);
  }
  return out;
}

export interface StabilityResult {
  /** psi[m - 1] = Psi(m) for m = 1 .. n-2: the gap between the m-th and (m+1)-th merge heights counted from the root. */
  psi: Float64Array;
  /** The m maximising Psi (first one on ties). */
  best: number;
  /** Clusters of the cut inside that gap: m + 1. */
  clusters: number;
  /** A height inside the gap (geometric mean of its ends), usable with cutAtHeight. */
  cutHeight: number;
}

/**
 * Partition stability Psi(m) = [log10 D_m - log10 D_{m+1}] / [log10 D_1 - log10 D_{n-1}], D_m the
 * m-th merge height from the root (D_1 the root's). A cut between D_{m+1} and D_m leaves m + 1
 * clusters; the best cut maximises Psi. Needs n >= 3 and finite positive heights (clamp infinite
 * distances before clustering), not all equal.
 */
export function partitionStability(link: Linkage): StabilityResult {
  const op = 'partitionStability';
  const n = link.n;
  if (n < 3) throw new ValueError(op, `needs at least 3 leaves (2 merges), got ${n}`);
  const H = (m: number) => link.height[n - 1 - m]!; // D_m, m = 1 .. n-1
  for (let m = 1; m <= n - 1; m++) {
    const h = H(m);
    if (!(h > 0) || h === Infinity) throw new ValueError(op, `merge height ${h} (D_${m} from the root) is not finite and positive; Psi takes log10 of every height`);
  }
  const span = Math.log10(H(1)) - Math.log10(H(n - 1));
  if (!(span > 0)) throw new ValueError(op, `all ${n - 1} merge heights are equal (${H(1)}): no cut is preferred`);
  const psi = new Float64Array(n - 2);
  let best = 1;
  for (let m = 1; m <= n - 2; m++) {
    psi[m - 1] = (Math.log10(H(m)) - Math.log10(H(m + 1))) / span;
    if (psi[m - 1]! > psi[best - 1]!) best = m;
  }
  return { psi, best, clusters: best + 1, cutHeight: Math.sqrt(H(best) * H(best + 1)) };
}
