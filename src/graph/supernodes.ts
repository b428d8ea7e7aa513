// Kadanoff supernodes from the density matrix rho = K / Z at one tau (SCIENCE.md section 1), the
// metagraph contraction, and the EqLRG projection of the Laplacian.
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { UnionFind } from './components.js';
import { buildGraph, type Graph } from './graph.js';

/**
 * What to do with near-ties, where rho_ij and min(rho_ii, rho_jj) agree to within the rounding
 * error of rho:
 * - 'split' (default): link only when rho_ij >= m (1 + relTol), m = min(rho_ii, rho_jj): links
 *   that hold in exact arithmetic whatever the rounding was. Vertex-transitive graphs (K_N, rings,
 *   tori) never merge, as in exact arithmetic (for symmetric positive definite K,
 *   rho_ij < sqrt(rho_ii rho_jj), so equal diagonals can never be reached).
 * - 'merge': link when rho_ij >= m (1 - relTol): every pair that may tie merges. This is the
 *   authors' float64 code's behaviour at large tau (their `>=` turns rounding ties into links):
 *   groups whose internal modes have decayed below precision merge whole, but so does a ring once
 *   tau l_2 is large.
 */
export type TiePolicy = 'split' | 'merge';

export interface SupernodeOptions {
  /**
   * Relative tolerance: at least twice the largest relative error of rho's entries (two
   * perturbed entries are compared). Default: supernodeTolerance(rho, n), the bound for rho formed
   * as U e^{-tau Lambda} U^T (or any dot-product evaluation) in the array's own precision.
   * Producers with larger errors (many squarings in a Taylor expm, eigenvectors of near-degenerate
   * eigenvalues) must pass their own bound: measure it against a float64 reference.
   */
  relTol?: number;
  ties?: TiePolicy;
}

export interface Supernodes {
  /** Number of supernodes. */
  count: number;
  /** Supernode of each node, 0..count-1 numbered by smallest member. */
  labels: Uint32Array;
  /** Nodes per supernode. */
  sizes: Uint32Array;
  /** The tolerance actually used. */
  relTol: number;
}

const U32 = 2 ** -24;
const U64 = 2 ** -53;

/**
 * Default relative tolerance for the supernode rule. An entry K_ij = sum_k U_ik e^{-tau l_k} U_jk
 * evaluated in precision u (pairwise order, depth d = ceil(log2 n) + 1) has error at most
 * d u sum_k |U_ik U_jk| e^{-tau l_k} <= d u sqrt(K_ii K_jj) (Cauchy-Schwarz; Higham 3.1). Relative
 * to m = min(K_ii, K_jj) that is d u sqrt(c), c = max_i rho_ii / min_i rho_ii. Two entries are
 * compared (factor 2) and the bound is first order (a further factor 2 covers the second-order
 * terms and the rounding of the product m (1 +- relTol)): relTol = 4 d u sqrt(c).
 * u = 2^-24 for Float32Array input, 2^-53 for anything else.
 */
export function supernodeTolerance(rho: ArrayLike<number>, n: number): number {
  const u = rho instanceof Float32Array ? U32 : U64;
  let lo = Infinity;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    const d = rho[i * n + i]!;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const c = lo > 0 ? hi / lo : 1;
  return 4 * (Math.ceil(Math.log2(Math.max(2, n))) + 1) * u * Math.sqrt(c);
}

/**
 * Supernodes at one tau: i != j are linked when max(rho_ij, rho_ji) passes the rule against
 * min(rho_ii, rho_jj) (see TiePolicy); supernodes are the connected components of the links.
 * rho is dense n x n row-major; its normalisation does not matter. O(n^2).
 */
export function supernodes(rho: ArrayLike<number>, n: number, opts: SupernodeOptions = {}): Supernodes {
  const op = 'supernodes';
  if (!Number.isInteger(n) || n < 1 || rho.length !== n * n) throw new ShapeError(op, `rho has ${rho.length} entries, expected n * n = ${n} * ${n}`);
  for (let i = 0; i < n; i++) {
    const d = rho[i * n + i]!;
    if (!(d > 0) || d === Infinity) throw new ValueError(op, `rho[${i}][${i}] = ${d}; the diagonal of a heat kernel is finite and positive`);
  }
  const relTol = opts.relTol ?? supernodeTolerance(rho, n);
  if (!(relTol >= 0 && relTol < 1)) throw new ValueError(op, `relTol must be in [0, 1), got ${relTol}`);
  const factor = (opts.ties ?? 'split') === 'split' ? 1 + relTol : 1 - relTol;
  const uf = new UnionFind(n);
  for (let i = 0; i < n; i++) {
    const di = rho[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const a = rho[i * n + j]!;
      const b = rho[j * n + i]!;
      if (Number.isNaN(a) || Number.isNaN(b)) throw new ValueError(op, `rho[${i}][${j}] or rho[${j}][${i}] is NaN`);
      const m = Math.min(di, rho[j * n + j]!);
      if (Math.max(a, b) >= m * factor) uf.union(i, j);
    }
  }
  const { count, labels } = uf.labels();
  const sizes = new Uint32Array(count);
  for (let i = 0; i < n; i++) sizes[labels[i]!]!++;
  return { count, labels, sizes, relTol };
}

function checkMembership(op: string, g: Graph, labels: ArrayLike<number>, count: number): void {
  if (labels.length !== g.n) throw new ShapeError(op, `membership has length ${labels.length}, the graph has n = ${g.n}`);
  for (let i = 0; i < g.n; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= count) throw new ValueError(op, `membership[${i}] = ${l} is not in [0, ${count})`);
  }
}

/**
 * The metagraph: one node per supernode, two linked iff an original edge joins them. 'unweighted'
 * (default) gives every metagraph edge weight 1, as the authors' code; 'sum' keeps the total weight
 * of the original edges between the two supernodes. Edges inside a supernode disappear.
 */
export function contract(g: Graph, labels: ArrayLike<number>, count: number, weights: 'unweighted' | 'sum' = 'unweighted'): Graph {
  checkMembership('contract', g, labels, count);
  const s: number[] = [];
  const d: number[] = [];
  const w: number[] = [];
  for (let k = 0; k < g.src.length; k++) {
    const a = labels[g.src[k]!]!;
    const b = labels[g.dst[k]!]!;
    if (a === b) continue;
    s.push(a);
    d.push(b);
    w.push(g.weight[k]!);
  }
  const { graph } = buildGraph(count, s, d, w, { directed: g.directed, duplicates: weights === 'sum' ? 'sum' : 'max' });
  if (weights === 'unweighted') graph.weight.fill(1);
  return graph;
}

/**
 * EqLRG projection (arXiv 2507.04977), undirected graphs: L' = N^{-1/2} P^T L P N^{-1/2}, P the
 * n x count membership matrix, N = diag(supernode sizes). P^T L P is the Laplacian of the
 * metagraph with summed weights W_ab, so L'_ab = -W_ab / sqrt(n_a n_b) and L'_aa = sum_b W_ab / n_a.
 * Returns the dense count x count matrix in float64 (it is not a graph Laplacian: rows of L' need
 * not sum to 0).
 */
export function eqlrgLaplacian(g: Graph, labels: ArrayLike<number>, count: number): Float64Array {
  const op = 'eqlrgLaplacian';
  if (g.directed) throw new ValueError(op, 'the EqLRG projection is defined for undirected graphs');
  checkMembership(op, g, labels, count);
  const size = new Float64Array(count);
  for (let i = 0; i < g.n; i++) size[labels[i]!]++;
  const L = new Float64Array(count * count);
  for (let k = 0; k < g.src.length; k++) {
    const a = labels[g.src[k]!]!;
    const b = labels[g.dst[k]!]!;
    if (a === b) continue;
    const w = g.weight[k]!;
    L[a * count + b] -= w;
    L[b * count + a] -= w;
    L[a * count + a] += w;
    L[b * count + b] += w;
  }
  for (let a = 0; a < count; a++) for (let b = 0; b < count; b++) L[a * count + b] /= Math.sqrt(size[a]! * size[b]!);
  return L;
}
