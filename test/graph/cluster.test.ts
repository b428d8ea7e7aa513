import { describe, expect, it } from 'vitest';
import {
  nmi, ari, averageLinkage, cutDendrogram, cutAtHeight, leafOrder, partitionStability, supernodes, supernodeTolerance,
  contract, eqlrgLaplacian, communityOrder, inversePermutation, graphFromEdges, graphComponents, denseLaplacian, csrLaplacian,
  denseAdjacency, hbm, ring, complete, star, Rng, ShapeError, ValueError, type Linkage,
} from '../../src/index.js';
import { heatRho } from '../reference/heat-kernel.js';
import { eighRef } from '../reference/eigen.js';

const U32 = 2 ** -24;

describe('NMI and ARI', () => {
  it('match hand-computed values', () => {
    const a = [0, 0, 0, 1, 1, 1];
    const b = [0, 0, 1, 1, 2, 2];
    // Contingency [[2,1,0],[0,1,2]]: sum C(n_ij,2) = 2, sum C(a_i,2) = 6, sum C(b_j,2) = 3, C(6,2) = 15:
    // ARI = (2 - 6*3/15) / ((6+3)/2 - 6*3/15) = 0.8 / 3.3.
    expect(ari(a, b)).toBeCloseTo(0.8 / 3.3, 14);
    // MI = (1/3)ln(2*6/(3*2))*2 + (1/6)ln(6/(3*2))*2 = (2/3)ln 2; H(a) = ln 2, H(b) = ln 3.
    expect(nmi(a, b)).toBeCloseTo(((2 / 3) * Math.log(2)) / ((Math.log(2) + Math.log(3)) / 2), 14);
    expect(nmi(a, b)).toBeCloseTo(0.5158037429793888, 14);
    expect(nmi(b, a)).toBeCloseTo(nmi(a, b), 15);
  });

  it('are 1 for equal partitions under relabelling, and near 0 for independent ones', () => {
    const a = [0, 0, 1, 1, 2, 2, 2];
    const b = [5, 5, 9, 9, 0, 0, 0];
    expect(nmi(a, b)).toBe(1);
    expect(ari(a, b)).toBe(1);
    expect(nmi([0, 0, 0], [1, 1, 1])).toBe(1);
    expect(ari([0, 0, 0], [1, 1, 1])).toBe(1);
    expect(ari([0, 1, 2], [2, 0, 1])).toBe(1);
    expect(nmi([0, 0, 1, 1], [0, 0, 0, 0])).toBe(0);
    // Rows vs columns of a 2x2 grid: independent, MI = 0 and ARI = -0.5 (below chance).
    expect(nmi([0, 0, 1, 1], [0, 1, 0, 1])).toBe(0);
    expect(ari([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 15);
    const r = new Rng(3);
    const x = Array.from({ length: 4000 }, () => r.int(4));
    const y = Array.from({ length: 4000 }, () => r.int(4));
    expect(Math.abs(ari(x, y))).toBeLessThan(0.01);
    expect(nmi(x, y)).toBeLessThan(0.01);
  });

  it('reject mismatched or invalid labelings', () => {
    expect(() => nmi([0, 1], [0])).toThrow(ShapeError);
    expect(() => ari([], [])).toThrow(/empty/);
    expect(() => nmi([0, -1], [0, 1])).toThrow(/label -1 at index 1/);
  });
});

/** Naive O(n^3) UPGMA: repeatedly merge the closest pair of clusters, distances as mean over member pairs. */
function naiveUpgma(D: Float64Array, n: number): { heights: number[]; members: string[] } {
  let clusters = Array.from({ length: n }, (_, i) => [i]);
  const heights: number[] = [];
  const members: string[] = [];
  const dist = (a: number[], b: number[]) => {
    let s = 0;
    for (const i of a) for (const j of b) s += D[i * n + j]!;
    return s / (a.length * b.length);
  };
  while (clusters.length > 1) {
    let best = [0, 1];
    let bd = Infinity;
    for (let x = 0; x < clusters.length; x++) for (let y = x + 1; y < clusters.length; y++) {
      const d = dist(clusters[x]!, clusters[y]!);
      if (d < bd) [bd, best] = [d, [x, y]];
    }
    const merged = [...clusters[best[0]!]!, ...clusters[best[1]!]!].sort((p, q) => p - q);
    heights.push(bd);
    members.push(merged.join(','));
    clusters = clusters.filter((_, k) => k !== best[0] && k !== best[1]);
    clusters.push(merged);
  }
  return { heights, members };
}

function clusterMembers(link: Linkage): string[] {
  const n = link.n;
  const mem: number[][] = Array.from({ length: n }, (_, i) => [i]);
  for (let j = 0; j < n - 1; j++) mem.push([...mem[link.left[j]!]!, ...mem[link.right[j]!]!].sort((p, q) => p - q));
  return mem.slice(n).map((m) => m.join(','));
}

describe('average linkage', () => {
  it('matches a hand-computed example (points 0, 1, 3, 7, 15 on a line)', () => {
    const x = [0, 1, 3, 7, 15];
    const D = new Float64Array(25);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) D[i * 5 + j] = Math.abs(x[i]! - x[j]!);
    const link = averageLinkage(D);
    // {0,1} at 1; {0,1}+{3} at (3+2)/2; +{7} at (7+6+4)/3; +{15} at (15+14+12+8)/4.
    expect(Array.from(link.left)).toEqual([0, 2, 3, 4]);
    expect(Array.from(link.right)).toEqual([1, 5, 6, 7]);
    expect(Array.from(link.height)).toEqual([1, 2.5, 17 / 3, 12.25]);
    expect(Array.from(link.size)).toEqual([2, 3, 4, 5]);
    expect(Array.from(cutDendrogram(link, 2))).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(cutDendrogram(link, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(cutDendrogram(link, 1))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(cutAtHeight(link, 3))).toEqual([0, 0, 0, 1, 2]);
    // Root = {4} + {3, {2, {0, 1}}}: left subtrees first.
    expect(Array.from(leafOrder(link))).toEqual([4, 3, 2, 0, 1]);
    // Psi(m) = log10(D_m / D_{m+1}) / log10(D_1 / D_4), D = 12.25, 17/3, 2.5, 1 from the root.
    const s = partitionStability(link);
    const span = Math.log10(12.25);
    const want = [Math.log10(12.25 / (17 / 3)) / span, Math.log10(17 / 3 / 2.5) / span, Math.log10(2.5) / span];
    want.forEach((w, k) => expect(s.psi[k]).toBeCloseTo(w, 14));
    expect(s.best).toBe(3);
    expect(s.clusters).toBe(4);
    expect(Array.from(cutAtHeight(link, s.cutHeight))).toEqual(Array.from(cutDendrogram(link, 4)));
  });

  it('matches naive O(n^3) UPGMA on random symmetric matrices (n = 1, 2, 13, 37)', () => {
    for (const n of [1, 2, 13, 37]) {
      const r = new Rng(n);
      const D = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) D[i * n + j] = D[j * n + i] = 0.1 + r.next();
      const link = averageLinkage(D, n);
      expect(link.left.length).toBe(n - 1);
      const ref = naiveUpgma(D, n);
      // Same merges; heights agree to float64 rounding of means of at most n^2 terms (<= 1e-13 relative here).
      expect(clusterMembers(link)).toEqual(ref.members);
      ref.heights.forEach((h, k) => expect(Math.abs(link.height[k]! - h)).toBeLessThanOrEqual(1e-13 * h));
      for (let k = 1; k < n - 1; k++) expect(link.height[k]!).toBeGreaterThanOrEqual(link.height[k - 1]!);
    }
  });

  it('symmetrises asymmetric input, accepts float32 and Infinity, rejects NaN/negative/non-square', () => {
    const D = new Float32Array([0, 1, 10, 3, 0, 10, 10, 10, 0]); // (0,1): 1 and 3 -> 2
    const link = averageLinkage(D);
    expect(Array.from(link.height)).toEqual([2, 10]);
    const inf = averageLinkage(new Float64Array([0, 1, Infinity, 1, 0, Infinity, Infinity, Infinity, 0]));
    expect(Array.from(inf.height)).toEqual([1, Infinity]);
    expect(() => partitionStability(inf)).toThrow(/not finite and positive/);
    expect(() => averageLinkage(new Float64Array([0, NaN, NaN, 0]))).toThrow(/NaN/);
    expect(() => averageLinkage(new Float64Array([0, -1, -1, 0]))).toThrow(ValueError);
    expect(() => averageLinkage(new Float64Array(5))).toThrow(ShapeError);
    expect(() => cutDendrogram(link, 0)).toThrow(/k must be an integer in \[1, 3\]/);
    expect(() => partitionStability(averageLinkage(new Float64Array(4)))).toThrow(/at least 3 leaves/);
  });

  it('Psi picks the planted partition of a block distance matrix (3 groups, noisy)', () => {
    const n = 30;
    const truth = Array.from({ length: n }, (_, i) => i % 3);
    const r = new Rng(9);
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) D[i * n + j] = D[j * n + i] = (truth[i] === truth[j] ? 1 : 20) * (1 + 0.3 * r.next());
    const link = averageLinkage(D);
    const s = partitionStability(link);
    expect(s.clusters).toBe(3);
    expect(nmi(cutDendrogram(link, s.clusters), truth)).toBe(1);
  });
});

/** Two K_m joined by the edge (0, m). */
function twoCliques(m: number) {
  const e: number[][] = [];
  for (let c = 0; c < 2; c++) for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) e.push([c * m + i, c * m + j]);
  e.push([0, m]);
  return graphFromEdges(2 * m, e);
}

/**
 * Exact rho of a circulant Laplacian (K_n, rings): eigenvectors are Fourier modes, so
 * rho_ij = sum_k e^{-tau l_k} cos(2 pi k (i - j) / n) / (n Z) with l_k = sum_j c_j cos(2 pi j k / n).
 * The uniform mode contributes exactly 1 / (n Z), so no eigenvector error hides the ties.
 */
function circulantRho(row: number[], tau: number): Float64Array {
  const n = row.length;
  const lam = Array.from({ length: n }, (_, k) => row.reduce((s, c, j) => s + c * Math.cos((2 * Math.PI * j * k) / n), 0));
  lam[0] = 0;
  const w = lam.map((l) => Math.exp(-tau * l));
  const Z = w.reduce((s, x) => s + x, 0);
  const byLag = Array.from({ length: n }, (_, d) => {
    let s = 0;
    for (let k = n - 1; k >= 1; k--) s += w[k]! * Math.cos((2 * Math.PI * k * d) / n);
    return (1 + s) / (n * Z); // the k = 0 term is exactly 1
  });
  const rho = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rho[i * n + j] = byLag[(j - i + n) % n]!;
  return rho;
}

/** rho with float32-level noise: each entry times (1 + delta), |delta| <= (d - 1) u, then rounded to float32 (one more u): total <= d u, d = ceil(log2 n) + 1, the pairwise-dot-product error depth that supernodeTolerance assumes. */
function noisy(rho: Float64Array, n: number, seed: number): Float32Array {
  const d = Math.ceil(Math.log2(n)) + 1;
  const r = new Rng(seed);
  return Float32Array.from(rho, (x) => x * (1 + (2 * r.next() - 1) * (d - 1) * U32));
}

describe('supernode rule', () => {
  const taus = [0.01, 0.1, 0.3, 1, 3, 10, 30, 100, 1000, 1e4];

  it('two cliques joined by one edge give the two cliques (float64 Jacobi rho, and with float32 noise)', () => {
    const m = 6;
    const g = twoCliques(m);
    const eig = eighRef(denseLaplacian(g), 2 * m);
    // Spectrum 0, l_2 = 0.2583, 6 (x9), 7.7417. Below tau ~ 0.5 nothing merges (rho ~ I - tau L);
    // from tau = 1 every clique node links to its bridge node. Above tau l_2 ~ 27 (tau ~ 100)
    // e^{-tau l_2} < 1e-12 and the structure sinks below the Jacobi eigenvectors' own errors, so
    // the check stops at tau = 100 (float64) and tau = 20 (float32: e^{-20 l_2} = 6e-3 >> u).
    const truth = Array.from({ length: 2 * m }, (_, i) => (i < m ? 0 : 1));
    for (const tau of [0.01, 0.1, 0.3]) expect(supernodes(heatRho(eig, 2 * m, tau), 2 * m).count).toBe(2 * m);
    for (const tau of [1, 2, 5, 10, 30, 100]) {
      const rho = heatRho(eig, 2 * m, tau);
      for (const ties of ['split', 'merge'] as const) {
        const s = supernodes(rho, 2 * m, { ties });
        expect(Array.from(s.labels)).toEqual(truth);
        expect(Array.from(s.sizes)).toEqual([m, m]);
      }
      if (tau <= 20) expect(Array.from(supernodes(noisy(rho, 2 * m, 1), 2 * m).labels)).toEqual(truth);
    }
  });

  for (const [name, row] of [
    ['K_10', [9, -1, -1, -1, -1, -1, -1, -1, -1, -1]],
    ['ring C_24', [2, -1, ...new Array<number>(21).fill(0), -1]],
  ] as const) {
    it(`${name}: no merges at any tau, exact and with float32 noise; ties merge only when asked`, () => {
      const n = row.length;
      let tiesSeen = 0;
      for (const tau of taus) {
        const rho = circulantRho([...row], tau);
        expect(supernodes(rho, n).count).toBe(n);
        const r32 = noisy(rho, n, Math.round(tau * 100));
        const tol = supernodeTolerance(r32, n);
        // 4 d u sqrt(c) with c = max/min diagonal = 1 up to the noise.
        expect(tol).toBeCloseTo(4 * (Math.ceil(Math.log2(n)) + 1) * U32, 10);
        expect(supernodes(r32, n).count).toBe(n);
        // Without a tolerance the noise makes spurious merges once the gap is below float32 (large tau).
        if (supernodes(r32, n, { relTol: 0 }).count < n) tiesSeen++;
      }
      expect(tiesSeen).toBeGreaterThan(0);
      // 'merge' treats ties as links: at tau = 1e4 everything is one supernode; at tau = 0.01 nothing merges.
      expect(supernodes(circulantRho([...row], 1e4), n, { ties: 'merge' }).count).toBe(1);
      expect(supernodes(circulantRho([...row], 0.01), n, { ties: 'merge' }).count).toBe(n);
    });
  }

  it('a star never merges (float64 Jacobi rho, tau up to 10)', () => {
    const n = 9;
    const eig = eighRef(denseLaplacian(star(n)), n);
    for (const tau of [0.01, 0.1, 1, 10]) expect(supernodes(heatRho(eig, n, tau), n).count).toBe(n);
  });

  it('validates its input', () => {
    expect(() => supernodes(new Float32Array(5), 2)).toThrow(/expected n \* n/);
    expect(() => supernodes(new Float32Array([1, 0, 0, 0]), 2)).toThrow(/rho\[1\]\[1\] = 0/);
    expect(() => supernodes(new Float32Array([1, NaN, 0, 1]), 2)).toThrow(/NaN/);
    expect(() => supernodes(new Float32Array([1, 0, 0, 1]), 2, { relTol: 1 })).toThrow(/relTol/);
  });
});

describe('metagraph', () => {
  const g = graphFromEdges(6, [[0, 1, 2], [1, 2, 1], [2, 3, 4], [3, 4, 1], [4, 5, 3], [0, 5, 0.5], [1, 4, 1]]);
  const labels = new Uint32Array([0, 0, 1, 1, 2, 2]);

  it('contracts to one node per supernode, linked iff an original edge joins them', () => {
    const m = contract(g, labels, 3);
    expect(m.n).toBe(3);
    expect(Array.from(m.src, (s, k) => [s, m.dst[k], m.weight[k]])).toEqual([[0, 1, 1], [0, 2, 1], [1, 2, 1]]);
    const w = contract(g, labels, 3, 'sum');
    expect(Array.from(w.weight)).toEqual([1, 1.5, 1]);
    expect(() => contract(g, labels, 2)).toThrow(/membership\[4\] = 2/);
  });

  it('EqLRG projection equals N^{-1/2} P^T L P N^{-1/2} computed densely', () => {
    const L = denseLaplacian(g);
    const n = 6;
    const k = 3;
    const size = [2, 2, 2];
    const want = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (labels[i] === a && labels[j] === b) s += L[i * n + j]!;
      want[a * k + b] = s / Math.sqrt(size[a]! * size[b]!);
    }
    const got = eqlrgLaplacian(g, labels, k);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 14));
    expect(() => eqlrgLaplacian({ ...g, directed: true }, labels, k)).toThrow(/undirected/);
  });
});

describe('host Laplacians and components', () => {
  it('dense and CSR agree, rows sum to zero, normalised has unit diagonal', () => {
    const g = hbm({ levels: 2, groups: 3, size: 4, pIn: 0.9, ratio: 0.2, seed: 3 });
    const n = g.n;
    const L = denseLaplacian(g);
    const csr = csrLaplacian(g);
    const fromCsr = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let p = csr.rowPtr[i]!; p < csr.rowPtr[i + 1]!; p++) {
        if (p > csr.rowPtr[i]!) expect(csr.colIdx[p]!).toBeGreaterThan(csr.colIdx[p - 1]!);
        fromCsr[i * n + csr.colIdx[p]!] = csr.values[p]!;
      }
    }
    expect(Array.from(fromCsr)).toEqual(Array.from(L));
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += L[i * n + j]!;
      expect(Math.abs(s)).toBeLessThan(1e-12);
    }
    const N = denseLaplacian(g, { normalized: true });
    const A = denseAdjacency(g);
    for (let i = 0; i < n; i++) expect(N[i * n + i]).toBe(1);
    const deg = Array.from({ length: n }, (_, i) => A.slice(i * n, i * n + n).reduce((x, y) => x + y, 0));
    expect(N[0 * n + 1]).toBeCloseTo(-A[1]! / Math.sqrt(deg[0]! * deg[1]!), 15);
    const csrN = csrLaplacian(g, { normalized: true });
    expect(csrN.values.length).toBe(csr.values.length);
    expect(() => denseLaplacian(graphFromEdges(2, [[0, 1]], { directed: true }), { normalized: true })).toThrow(/undirected/);
  });

  it('directed Laplacian is D_out - A', () => {
    const g = graphFromEdges(3, [[0, 1, 2], [1, 2, 1], [2, 0, 3], [0, 2, 1]], { directed: true });
    expect(Array.from(denseLaplacian(g))).toEqual([3, -2, -1, 0, 1, -1, -3, 0, 3]);
  });

  it('components of disjoint pieces', () => {
    const g = graphFromEdges(7, [[0, 1], [1, 2], [4, 5]]);
    const c = graphComponents(g);
    expect(c.count).toBe(4);
    expect(Array.from(c.labels)).toEqual([0, 0, 0, 1, 2, 2, 3]);
    expect(Array.from(c.sizes)).toEqual([3, 1, 2, 1]);
    expect(graphComponents(ring(5)).count).toBe(1);
    expect(graphComponents(complete(1)).count).toBe(1);
  });
});

describe('community ordering', () => {
  it('keeps groups contiguous at every level, coarse to fine', () => {
    const g = hbm({ levels: 2, groups: 3, size: 5, seed: 1 });
    // Scramble node ids so the order is not the identity.
    const r = new Rng(2);
    const shuffle = Array.from({ length: g.n }, (_, i) => i);
    for (let i = g.n - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [shuffle[i], shuffle[j]] = [shuffle[j]!, shuffle[i]!];
    }
    const parts = g.groups!.map((p) => Uint32Array.from(shuffle, (s) => p[s]!));
    const perm = communityOrder(parts);
    expect(new Set(perm).size).toBe(g.n);
    for (const p of parts) {
      // Contiguous: each group's positions form one run.
      const seen = new Set<number>();
      let prev = -1;
      for (const node of perm) {
        const grp = p[node]!;
        if (grp !== prev) {
          expect(seen.has(grp)).toBe(false);
          seen.add(grp);
          prev = grp;
        }
      }
    }
    const inv = inversePermutation(perm);
    for (let k = 0; k < g.n; k++) expect(inv[perm[k]!]).toBe(k);
    expect(Array.from(communityOrder([[2, 1, 2, 1]]))).toEqual([0, 2, 1, 3]);
    expect(() => communityOrder([[0, 1], [0]])).toThrow(/length 1, expected 2/);
  });
});
