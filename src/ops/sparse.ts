// Sparse matrices in CSR form on the GPU, SpMV/SpMM, and graph Laplacians built from edge lists
// (shaders/linalg/spmm.wgsl, shaders/graph/laplacian_offdiag.wgsl, laplacian_degree.wgsl).
//
// Layout: row pointers and column indices are u32, values f32; a block of b vectors is a
// row-major [n, b] tensor (vector q is column q), so one SpMM streams the matrix once for all b.
//
// Accuracy: each output element of SpMM is a float32 dot product of the row's d + 1 nonzeros,
// error <= (d + 1) u sum_j |A_ij X_jq| (u = 2^-24), plus one rounding for each of the fused
// beta/gamma terms. Laplacian values: duplicate-edge sums and degrees are Neumaier-compensated
// (error ~2u relative, independent of the degree) after the weights are rounded to float32.
import { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { DTypeError, DisposedError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { WG_1D, engineOf, requireDType } from './common.js';

/** A square sparse matrix in CSR form, resident on the GPU. The matrix owns its tensors. */
export class CsrMatrix {
  private disposedFlag = false;
  constructor(
    readonly engine: Engine,
    /** Number of rows (= columns). */
    readonly n: number,
    /** Row pointers, u32 [n + 1]. */
    readonly rowPtr: Tensor<'u32'>,
    /** Column indices, u32 [nnz], sorted within each row. */
    readonly colIdx: Tensor<'u32'>,
    /** Values, f32 [nnz]. */
    readonly values: Tensor<'f32'>,
    /** True when the matrix is known to be symmetric (undirected Laplacians). SLQ and expmv need it. */
    readonly symmetric: boolean,
    /** For Laplacians: the (out-)degree of every node, f32 [n], computed on the GPU. */
    readonly degree: Tensor<'f32'> | null = null,
  ) {}

  get nnz(): number {
    return this.colIdx.size;
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** Throws DisposedError naming the op when the matrix was disposed. */
  check(op: string): void {
    if (this.disposedFlag) throw new DisposedError(op, `CSR matrix [${this.n}, ${this.n}] used after dispose()`);
    this.engine.check(op);
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.rowPtr.dispose();
    this.colIdx.dispose();
    this.values.dispose();
    this.degree?.dispose();
  }

  toString(): string {
    return `CsrMatrix([${this.n}, ${this.n}], nnz ${this.nnz}${this.symmetric ? ', symmetric' : ''})`;
  }
}

/** Uploads a CSR matrix given on the host. Validates the structure (monotone pointers, indices in range). */
export function csrFromArrays(
  engine: Engine,
  n: number,
  rowPtr: ArrayLike<number>,
  colIdx: ArrayLike<number>,
  values: ArrayLike<number>,
  options: { symmetric?: boolean } = {},
): CsrMatrix {
  const op = 'csrFromArrays';
  engine.check(op);
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(op, `n must be a positive integer, got ${n}`);
  if (rowPtr.length !== n + 1) throw new ShapeError(op, `rowPtr has length ${rowPtr.length}, expected n + 1 = ${n + 1}`);
  const nnz = colIdx.length;
  if (values.length !== nnz) throw new ShapeError(op, `colIdx has ${nnz} entries but values has ${values.length}`);
  if (rowPtr[0] !== 0 || rowPtr[n] !== nnz) throw new ValueError(op, `rowPtr must start at 0 and end at nnz = ${nnz}, got ${rowPtr[0]} .. ${rowPtr[n]}`);
  for (let i = 0; i < n; i++) {
    if (!(rowPtr[i + 1]! >= rowPtr[i]!)) throw new ValueError(op, `rowPtr decreases at row ${i}: ${rowPtr[i]} > ${rowPtr[i + 1]}`);
  }
  for (let s = 0; s < nnz; s++) {
    const c = colIdx[s]!;
    if (!Number.isInteger(c) || c < 0 || c >= n) throw new ValueError(op, `colIdx[${s}] = ${c} is outside [0, ${n})`);
    if (Number.isNaN(values[s]!)) throw new ValueError(op, `values[${s}] is NaN`);
  }
  return new CsrMatrix(
    engine,
    n,
    engine.tensor(Uint32Array.from(rowPtr), [n + 1], 'u32'),
    sliceView(engine, Uint32Array.from(colIdx), 'u32'),
    sliceView(engine, Float32Array.from(values), 'f32'),
    options.symmetric ?? false,
  );
}

// Zero-length tensors are legal (engine.empty rounds buffers up to 4 bytes).
function sliceView<D extends 'u32' | 'f32'>(engine: Engine, data: Uint32Array | Float32Array, dtype: D): Tensor<D> {
  return engine.tensor(data, [data.length], dtype);
}

/** Invocations per workgroup of the SpMM kernel (64: rows of several invocations share a workgroup; no barriers). */
const WG_SPMM = 64;

/**
 * Kernel variant and column groups per row for b columns: vec4 loads with G vec4 groups per
 * invocation when 4 | b (G the largest of 8, 4, 2, 1 dividing b / 4), else W = min(b, 4) scalar
 * columns per invocation.
 */
function spmmPlan(b: number): { spec: KernelSpec; gpr: number } {
  const uniforms = [
    { name: 'n', type: 'u32' },
    { name: 'b', type: 'u32' },
    { name: 'gpr', type: 'u32' },
    { name: 'alpha', type: 'f32' },
    { name: 'beta', type: 'f32' },
    { name: 'gamma', type: 'f32' },
  ] as const;
  const base = { name: 'spmm', shader: 'linalg/spmm.wgsl', bindings: ['read', 'read', 'read', 'read', 'read', 'read_write'] as const, uniforms };
  if (b % 4 === 0) {
    const b4 = b / 4;
    const G = b4 % 8 === 0 ? 8 : b4 % 4 === 0 ? 4 : b4 % 2 === 0 ? 2 : 1;
    return { spec: { ...base, defines: { WG: WG_SPMM, VEC4: true, G, G2: G >= 2, G4: G >= 4, G8: G >= 8, W: 0, W2: false, W3: false, W4: false } }, gpr: b4 / G };
  }
  const W = Math.min(b, 4);
  return { spec: { ...base, defines: { WG: WG_SPMM, VEC4: false, G: 0, G2: false, G4: false, G8: false, W, W2: W >= 2, W3: W >= 3, W4: W >= 4 } }, gpr: Math.ceil(b / W) };
}

export interface SpmmOptions {
  /** Scale of A X (default 1). */
  alpha?: number;
  /** Adds beta * X (default 0). */
  beta?: number;
  /** Adds gamma * z (default 0; z must then be given, same shape as X). */
  gamma?: number;
  z?: Tensor;
}

type Binding = Tensor | { buffer: GPUBuffer; offset: number; size: number };

/** @internal Records Y = alpha A X + beta X + gamma Z with raw bindings (used by Lanczos/Chebyshev). */
export async function spmmInto(
  op: string,
  A: CsrMatrix,
  x: Binding,
  y: Binding,
  b: number,
  alpha = 1,
  beta = 0,
  gamma = 0,
  z: Binding = x,
): Promise<void> {
  const n = A.n;
  const { spec, gpr } = spmmPlan(b);
  await A.engine.launch({
    op,
    kernel: spec,
    uniforms: { n, b, gpr, alpha, beta, gamma },
    buffers: [A.rowPtr, A.colIdx, A.values, x, z, y],
    workgroups: { linear: Math.ceil((n * gpr) / WG_SPMM) },
    cost: { flops: 2 * A.nnz * b + 4 * n * b, bytes: 4 * (n + 1 + 2 * A.nnz) + 4 * n * b * (2 + (gamma !== 0 ? 1 : 0)) },
  });
}

/**
 * Sparse matrix times a block of vectors: Y = alpha A X + beta X + gamma Z, X and Y [n, b]
 * row-major (or [n] for a single vector). Returns a new tensor the caller owns.
 */
export async function spmm(A: CsrMatrix, X: Tensor, options: SpmmOptions = {}): Promise<Tensor> {
  const op = 'spmm';
  A.check(op);
  const engine = engineOf(op, X);
  if (engine !== A.engine) throw new ShapeError(op, `${A} and ${X} belong to different engines`);
  requireDType(op, X, ['f32']);
  if (!((X.rank === 1 || X.rank === 2) && X.shape[0] === A.n)) {
    throw new ShapeError(op, `X must be [${A.n}] or [${A.n}, b] to multiply ${A}, got ${fmtShape(X.shape)}`);
  }
  const b = X.rank === 2 ? X.shape[1]! : 1;
  const { alpha = 1, beta = 0, gamma = 0, z } = options;
  if (gamma !== 0) {
    if (!z) throw new ValueError(op, `gamma = ${gamma} needs options.z`);
    engineOf(op, X, z);
    if (z.dtype !== 'f32') throw new DTypeError(op, `z has dtype ${z.dtype}; expected f32`);
    if (z.size !== X.size || z.rank !== X.rank) throw new ShapeError(op, `z ${fmtShape(z.shape)} must match X ${fmtShape(X.shape)}`);
  }
  for (const [k, v] of [['alpha', alpha], ['beta', beta], ['gamma', gamma]] as const) {
    if (!Number.isFinite(v)) throw new ValueError(op, `${k} must be finite, got ${v}`);
  }
  const Y = engine.empty(X.shape, 'f32', op);
  if (b === 0) return Y;
  await spmmInto(op, A, X, Y, b, alpha, beta, gamma, gamma !== 0 ? z! : X);
  return Y;
}

/** y = A x for x [n]. */
export function spmv(A: CsrMatrix, x: Tensor): Promise<Tensor> {
  if (x.rank !== 1) return Promise.reject(new ShapeError('spmv', `x must be a vector [${A.n}], got ${fmtShape(x.shape)}`));
  return spmm(A, x);
}

// ---- Laplacians -----------------------------------------------------------------------------

export interface EdgeList {
  /** Source node of each edge (integers in [0, n)). */
  src: ArrayLike<number> | Tensor;
  /** Target node of each edge. */
  dst: ArrayLike<number> | Tensor;
  /** Non-negative weights (default 1 for every edge). */
  weight?: ArrayLike<number> | Tensor;
}

export interface LaplacianOptions {
  /** Directed: L = D_out - A with A_ij the weight of i -> j (row = source). Default false (symmetric). */
  directed?: boolean;
}

async function hostArray(x: ArrayLike<number> | Tensor): Promise<ArrayLike<number>> {
  if (x instanceof Tensor) return (await x.read()) as ArrayLike<number>;
  return x;
}

/**
 * Builds the graph Laplacian L = D - A in CSR form on the GPU.
 *
 * - Undirected (default): every edge {u, v, w} adds w to A_uv and A_vu; L is symmetric.
 *   Directed: edge u -> v adds w to A_uv only, and D is the out-degree (rows of L sum to 0).
 * - Duplicate edges add their weights. Self-loops are ignored: a loop adds w to D_ii and to A_ii,
 *   which cancel in L = D - A.
 * - Disconnected graphs and isolated nodes are fine (an isolated node's row is a lone 0 diagonal).
 * - Negative, NaN or infinite weights and indices outside [0, n) throw ValueError naming the first
 *   offending edge.
 *
 * Work split: the host validates and sorts the arcs into CSR order (two counting sorts, O(E + n))
 * and lays out the structure; the GPU sums duplicate arcs into the off-diagonal values and
 * computes the degrees by a reduction over each row, writing the diagonal. Edge tensors are read
 * back to the host for the sort.
 */
export async function laplacianFromEdges(engine: Engine, n: number, edges: EdgeList, options: LaplacianOptions = {}): Promise<CsrMatrix> {
  const op = 'laplacianFromEdges';
  engine.check(op);
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `n must be a positive integer, got ${n}`);
  const directed = options.directed ?? false;
  const src = await hostArray(edges.src);
  const dst = await hostArray(edges.dst);
  const weight = edges.weight === undefined ? null : await hostArray(edges.weight);
  const E = src.length;
  if (dst.length !== E) throw new ShapeError(op, `src has ${E} entries but dst has ${dst.length}`);
  if (weight && weight.length !== E) throw new ShapeError(op, `src has ${E} entries but weight has ${weight.length}`);

  // Validate, count arcs (self-loops dropped).
  let arcs = 0;
  for (let e = 0; e < E; e++) {
    const u = src[e]!, v = dst[e]!;
    if (!Number.isInteger(u) || u < 0 || u >= n) throw new ValueError(op, `edge ${e} (${u} -> ${v}): source ${u} is outside [0, ${n})`);
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new ValueError(op, `edge ${e} (${u} -> ${v}): target ${v} is outside [0, ${n})`);
    if (weight) {
      const w = weight[e]!;
      if (Number.isNaN(w)) throw new ValueError(op, `edge ${e} (${u} -> ${v}) has weight NaN`);
      if (w < 0) throw new ValueError(op, `edge ${e} (${u} -> ${v}) has negative weight ${w}; Laplacians need non-negative weights`);
      if (!Number.isFinite(w)) throw new ValueError(op, `edge ${e} (${u} -> ${v}) has infinite weight`);
    }
    if (u !== v) arcs += directed ? 1 : 2;
  }

  // Arc list, then a stable counting sort by column followed by one by row: (row, col) order.
  const aRow = new Uint32Array(arcs), aCol = new Uint32Array(arcs), aW = new Float32Array(arcs);
  let k = 0;
  for (let e = 0; e < E; e++) {
    const u = src[e]!, v = dst[e]!;
    if (u === v) continue;
    const w = weight ? weight[e]! : 1;
    aRow[k] = u; aCol[k] = v; aW[k++] = w;
    if (!directed) { aRow[k] = v; aCol[k] = u; aW[k++] = w; }
  }
  const countingSort = (key: Uint32Array, order: Uint32Array): Uint32Array => {
    const count = new Uint32Array(n + 1);
    for (let i = 0; i < arcs; i++) count[key[order[i]!]! + 1]!++;
    for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
    const out = new Uint32Array(arcs);
    for (let i = 0; i < arcs; i++) out[count[key[order[i]!]!]!++] = order[i]!;
    return out;
  };
  const identity = new Uint32Array(arcs);
  for (let i = 0; i < arcs; i++) identity[i] = i;
  const order = countingSort(aRow, countingSort(aCol, identity));

  // CSR structure: unique columns per row plus the diagonal (always present, in sorted place).
  const rowPtr = new Uint32Array(n + 1);
  const colIdx: number[] = [];
  const arcPtr: number[] = [];
  const diagPos = new Uint32Array(n);
  const wSorted = new Float32Array(Math.max(1, arcs));
  for (let i = 0; i < arcs; i++) wSorted[i] = aW[order[i]!]!;
  let a = 0;
  for (let r = 0; r < n; r++) {
    rowPtr[r] = colIdx.length;
    let diagDone = false;
    while (a < arcs && aRow[order[a]!] === r) {
      const c = aCol[order[a]!]!;
      if (!diagDone && c > r) {
        diagPos[r] = colIdx.length; colIdx.push(r); arcPtr.push(a); diagDone = true;
      }
      colIdx.push(c); arcPtr.push(a);
      while (a < arcs && aRow[order[a]!] === r && aCol[order[a]!] === c) a++;
    }
    if (!diagDone) { diagPos[r] = colIdx.length; colIdx.push(r); arcPtr.push(a); }
  }
  rowPtr[n] = colIdx.length;
  arcPtr.push(a);
  const nnz = colIdx.length;

  const rowPtrT = engine.tensor(rowPtr, [n + 1], 'u32');
  const colIdxT = engine.tensor(Uint32Array.from(colIdx), [nnz], 'u32');
  const values = engine.empty([nnz], 'f32', op);
  const degree = engine.empty([n], 'f32', op);
  const arcPtrT = engine.tensor(Uint32Array.from(arcPtr), [nnz + 1], 'u32');
  const wT = engine.tensor(wSorted, [wSorted.length], 'f32');
  const diagT = engine.tensor(diagPos, [n], 'u32');
  try {
    await engine.launch({
      op,
      kernel: { name: 'laplacian_offdiag', shader: 'graph/laplacian_offdiag.wgsl', defines: { WG: WG_1D }, bindings: ['read', 'read', 'read_write'], uniforms: [{ name: 'nnz', type: 'u32' }] },
      uniforms: { nnz },
      buffers: [arcPtrT, wT, values],
      workgroups: { linear: Math.ceil(nnz / WG_1D) },
      cost: { flops: 4 * arcs, bytes: 4 * (2 * nnz + arcs) },
    });
    await engine.launch({
      op,
      kernel: { name: 'laplacian_degree', shader: 'graph/laplacian_degree.wgsl', defines: { WG: WG_1D }, bindings: ['read', 'read', 'read_write', 'read_write'], uniforms: [{ name: 'n', type: 'u32' }] },
      uniforms: { n },
      buffers: [rowPtrT, diagT, values, degree],
      workgroups: { linear: Math.ceil(n / WG_1D) },
      cost: { flops: 4 * nnz, bytes: 4 * (2 * nnz + 3 * n) },
    });
  } finally {
    arcPtrT.dispose();
    wT.dispose();
    diagT.dispose();
  }
  return new CsrMatrix(engine, n, rowPtrT, colIdxT, values, !directed, degree);
}

/**
 * Upper bound on the spectrum of a symmetric matrix by Gershgorin discs:
 * max_i (A_ii + sum_{j != i} |A_ij|); for a Laplacian this is 2 max degree. Reads the values back.
 */
export async function gershgorinBound(A: CsrMatrix): Promise<number> {
  const op = 'gershgorinBound';
  A.check(op);
  const [rp, ci, v] = await Promise.all([A.rowPtr.read(), A.colIdx.read(), A.values.read()]);
  let best = 0;
  for (let i = 0; i < A.n; i++) {
    let s = 0;
    for (let t = rp[i]!; t < rp[i + 1]!; t++) s += ci[t] === i ? v[t]! : Math.abs(v[t]!);
    best = Math.max(best, s);
  }
  return best;
}

/**
 * Connected components of the graph of a CSR matrix (i ~ j when A_ij != 0 or A_ji != 0), by a
 * host union-find over the structure read back from the GPU. Labels are 0 .. count-1 in order of
 * each component's smallest node.
 */
export async function connectedComponents(A: CsrMatrix): Promise<{ labels: Int32Array; count: number }> {
  const op = 'connectedComponents';
  A.check(op);
  const [rp, ci, v] = await Promise.all([A.rowPtr.read(), A.colIdx.read(), A.values.read()]);
  const n = A.n;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let i = 0; i < n; i++) {
    for (let t = rp[i]!; t < rp[i + 1]!; t++) {
      if (v[t] === 0) continue;
      const a = find(i), b = find(ci[t]!);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const labels = new Int32Array(n).fill(-1);
  const rootLabel = new Int32Array(n).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (rootLabel[r] === -1) rootLabel[r] = count++;
    labels[i] = rootLabel[r]!;
  }
  return { labels, count };
}
