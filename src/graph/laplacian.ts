// Host float64 Laplacians, for references and small graphs (the GPU builders live in src/ops).
// Combinatorial L = D - A (D_out - A for directed graphs, A_ij = weight of i -> j); normalised
// L = I - D^{-1/2} A D^{-1/2} for undirected graphs, with L_ii = 0 on isolated nodes (the
// convention that keeps their eigenvalue 0). Self-loops of hand-built graphs are ignored.
import { LimitError, ValueError } from '../../runtime/errors.js';
import { degrees, type Graph } from './graph.js';

export interface HostLaplacianOptions {
  normalized?: boolean;
}

/** Dense adjacency (n x n, row-major, float64): symmetric for undirected graphs. */
export function denseAdjacency(g: Graph): Float64Array {
  checkDenseSize('denseAdjacency', g.n);
  const n = g.n;
  const A = new Float64Array(n * n);
  for (let k = 0; k < g.src.length; k++) {
    const u = g.src[k]!;
    const v = g.dst[k]!;
    if (u === v) continue;
    A[u * n + v] += g.weight[k]!;
    if (!g.directed) A[v * n + u] += g.weight[k]!;
  }
  return A;
}

function checkDenseSize(op: string, n: number): void {
  if (n * n > 2 ** 28) throw new LimitError(op, `a dense ${n} x ${n} float64 matrix needs ${(n * n * 8) / 2 ** 30} GiB; use the CSR builder`);
}

function normScale(op: string, g: Graph, opt: HostLaplacianOptions): Float64Array | null {
  if (!opt.normalized) return null;
  if (g.directed) throw new ValueError(op, 'the normalised Laplacian is defined here for undirected graphs only');
  const d = degrees(g);
  const s = new Float64Array(g.n);
  for (let i = 0; i < g.n; i++) s[i] = d[i]! > 0 ? 1 / Math.sqrt(d[i]!) : 0;
  return s;
}

/** Dense Laplacian (n x n, row-major, float64). */
export function denseLaplacian(g: Graph, opt: HostLaplacianOptions = {}): Float64Array {
  const s = normScale('denseLaplacian', g, opt);
  const n = g.n;
  const L = denseAdjacency(g);
  for (let i = 0; i < n; i++) {
    let deg = 0;
    for (let j = 0; j < n; j++) {
      deg += L[i * n + j]!;
      L[i * n + j] = 0 - L[i * n + j]!; // 0 - x, not -x: no negative zeros
    }
    if (s) {
      for (let j = 0; j < n; j++) L[i * n + j] *= s[i]! * s[j]!;
      L[i * n + i] = deg > 0 ? 1 : 0;
    } else L[i * n + i] = deg;
  }
  return L;
}

/** Compressed sparse rows: row i's entries are colIdx/values[rowPtr[i] .. rowPtr[i+1]), columns ascending. */
export interface Csr {
  n: number;
  rowPtr: Uint32Array;
  colIdx: Uint32Array;
  values: Float64Array;
}

/** CSR adjacency (both directions stored for undirected graphs; duplicates already merged by buildGraph). */
export function csrAdjacency(g: Graph): Csr {
  return csrBuild(g, null, false);
}

/** CSR Laplacian with the diagonal stored in every row (also for isolated nodes, value 0). */
export function csrLaplacian(g: Graph, opt: HostLaplacianOptions = {}): Csr {
  return csrBuild(g, normScale('csrLaplacian', g, opt), true);
}

function csrBuild(g: Graph, s: Float64Array | null, laplacian: boolean): Csr {
  const n = g.n;
  const m = g.src.length;
  const count = new Uint32Array(n + 1);
  const add = (u: number) => count[u + 1]!++;
  for (let k = 0; k < m; k++) {
    if (g.src[k] === g.dst[k]) continue;
    add(g.src[k]!);
    if (!g.directed) add(g.dst[k]!);
  }
  if (laplacian) for (let i = 0; i < n; i++) add(i);
  for (let i = 0; i < n; i++) count[i + 1] += count[i]!;
  const rowPtr = count.slice();
  const nnz = rowPtr[n]!;
  const cols = new Uint32Array(nnz);
  const vals = new Float64Array(nnz);
  const fill = rowPtr.slice(0, n);
  const deg = new Float64Array(n);
  const put = (u: number, v: number, w: number) => {
    const at = fill[u]!++;
    cols[at] = v;
    vals[at] = laplacian ? -w * (s ? s[u]! * s[v]! : 1) : w;
    deg[u] += w;
  };
  for (let k = 0; k < m; k++) {
    const u = g.src[k]!;
    const v = g.dst[k]!;
    if (u === v) continue;
    put(u, v, g.weight[k]!);
    if (!g.directed) put(v, u, g.weight[k]!);
  }
  if (laplacian) {
    for (let i = 0; i < n; i++) {
      const at = fill[i]!++;
      cols[at] = i;
      vals[at] = s ? (deg[i]! > 0 ? 1 : 0) : deg[i]!;
    }
  }
  // Sort each row by column. buildGraph's (src, dst) order already makes every row ascending except
  // the diagonal appended last, so this insertion sort costs O(row length) on canonical graphs.
  for (let i = 0; i < n; i++) {
    for (let a = rowPtr[i]! + 1; a < rowPtr[i + 1]!; a++) {
      const c = cols[a]!;
      const x = vals[a]!;
      let b = a - 1;
      while (b >= rowPtr[i]! && cols[b]! > c) {
        cols[b + 1] = cols[b]!;
        vals[b + 1] = vals[b]!;
        b--;
      }
      cols[b + 1] = c;
      vals[b + 1] = x;
    }
  }
  return { n, rowPtr, colIdx: cols, values: vals };
}
