// Lanczos with full reorthogonalisation on a block of b independent start vectors (one SpMM
// per step serves all b), and stochastic Lanczos quadrature (SLQ) for the spectral
// thermodynamics of large sparse Laplacians.
//
// GPU side, per step j (shaders/linalg/*): W = L V_j (spmm); two classical Gram-Schmidt passes
// against V_0..V_j (block_dot_partial + block_dot_finish for the column-wise coefficients,
// block_combine to subtract; CGS2 keeps the basis orthogonal to working precision); column norms;
// V_{j+1} = W / beta (lanczos_normalize, which also records alpha_j and beta_{j+1}). Nothing is
// read back inside the loop. The basis lives in slabs of at most maxStorageBufferBindingSize.
// Host side: alpha/beta ([steps, b], small) are read once; each column's tridiagonal
// eigenproblem (k <= a few hundred) is solved in float64 (host-numerics.ts).
import type { Tensor } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { LimitError, ShapeError, ValueError } from '../../runtime/errors.js';
import { WG_1D } from './common.js';
import { CsrMatrix, connectedComponents, spmmInto } from './sparse.js';
import { seededRandom, tridiagEigen } from './host-numerics.js';

const DOT_WG = 256;
// Rows per chunk of the first dot stage: enough chunks to fill a GPU (<= 64 workgroups per
// block), few enough that the second stage is short.
const MAX_CHUNKS = 64;

const SPEC_DOT_PARTIAL: KernelSpec = {
  name: 'block_dot_partial',
  shader: 'linalg/block_dot_partial.wgsl',
  defines: { WG: DOT_WG },
  bindings: ['read', 'read', 'read_write'],
  uniforms: ['n', 'b', 'm', 'nchunks', 'chunk_rows', 'out0', 'stride'].map((name) => ({ name, type: 'u32' as const })),
};
const SPEC_DOT_FINISH: KernelSpec = {
  name: 'block_dot_finish',
  shader: 'linalg/block_dot_finish.wgsl',
  defines: { WG: WG_1D },
  bindings: ['read', 'read_write'],
  uniforms: ['count', 'b', 'nchunks', 'off'].map((name) => ({ name, type: 'u32' as const })),
};
const combineSpec = (sub: boolean): KernelSpec => ({
  name: sub ? 'block_orthogonalise' : 'block_combine',
  shader: 'linalg/block_combine.wgsl',
  defines: { WG: WG_1D, SUB: sub },
  bindings: ['read', 'read', 'read_write'],
  uniforms: ['n', 'b', 'm', 'h0', 'stride'].map((name) => ({ name, type: 'u32' as const })),
});
const SPEC_NORMALIZE: KernelSpec = {
  name: 'lanczos_normalize',
  shader: 'linalg/lanczos_normalize.wgsl',
  defines: { WG: WG_1D },
  bindings: ['read', 'read', 'read', 'read', 'read_write', 'read_write'],
  uniforms: ['n', 'b', 'j', 'record'].map((name) => ({ name, type: 'u32' as const })),
};

type BufferArg = { buffer: GPUBuffer; offset: number; size: number };

/** The Krylov basis V_0..V_steps of a block run, stored in slabs; the caller disposes it. */
export interface LanczosBasis {
  slabs: Tensor[];
  blocksPerSlab: number;
  /** Floats between consecutive blocks (n*b rounded up to the storage offset alignment). */
  stride: number;
  count: number;
}

export interface BlockLanczosRun {
  /** alpha[j][q], j < steps. */
  alpha: Float64Array[];
  /** beta[j][q] = beta_{j+1}, the coupling of step j to j+1. */
  beta: Float64Array[];
  /** 2-norm of each start column (float32 on the GPU). */
  norm0: Float64Array;
  basis: LanczosBasis | null;
}

/**
 * Runs `steps` Lanczos steps on each column of X [n, b] (any norms; zero columns stay zero) with
 * full reorthogonalisation. Keeps the basis when `keepBasis` (for Krylov exponentials).
 */
export async function blockLanczos(op: string, L: CsrMatrix, X: Tensor, steps: number, keepBasis: boolean): Promise<BlockLanczosRun> {
  const engine = L.engine;
  const n = L.n;
  const b = X.rank === 2 ? X.shape[1]! : 1;
  const nb = n * b;
  const align = Math.max(4, (engine.limits as GPUSupportedLimits).minStorageBufferOffsetAlignment ?? 256) / 4;
  const stride = Math.ceil(nb / align) * align;
  const maxBind = engine.limits.maxStorageBufferBindingSize;
  const blocksPerSlab = Math.floor(maxBind / (4 * stride));
  if (blocksPerSlab < 1) {
    throw new LimitError(op, `one block of ${n} x ${b} floats (${4 * nb} bytes) exceeds maxStorageBufferBindingSize = ${maxBind}; use fewer vectors per block`);
  }
  const count = steps + 1;
  const nchunks = Math.max(1, Math.min(MAX_CHUNKS, Math.ceil(nb / 4096)));
  const chunkRows = Math.ceil(n / nchunks);

  const slabs: Tensor[] = [];
  for (let left = count; left > 0; left -= blocksPerSlab) {
    slabs.push(engine.empty([Math.min(left, blocksPerSlab) * stride], 'f32', op));
  }
  const blockArg = (i: number): BufferArg => {
    const s = slabs[Math.floor(i / blocksPerSlab)]!;
    return { buffer: s.buffer, offset: 4 * stride * (i % blocksPerSlab), size: 4 * nb };
  };
  const slabArg = (s: number, blocks: number): BufferArg => ({ buffer: slabs[s]!.buffer, offset: 0, size: 4 * stride * blocks });

  const W = engine.empty([nb], 'f32', op);
  const h1 = engine.empty([count * b], 'f32', op);
  const h2 = engine.empty([count * b], 'f32', op);
  const nrm = engine.empty([b], 'f32', op);
  const nrm0 = engine.empty([b], 'f32', op);
  const partial = engine.empty([count * nchunks * b], 'f32', op);
  const hist = engine.empty([Math.max(1, 2 * steps * b)], 'f32', op);

  // Column dots of blocks [first, first + m) of the basis (or of `a` itself) with `bb`, into out.
  const dots = async (aArgs: { arg: BufferArg | Tensor; m: number; out0: number }[], bb: BufferArg | Tensor, total: number, out: Tensor) => {
    for (const { arg, m, out0 } of aArgs) {
      await engine.launch({
        op,
        kernel: SPEC_DOT_PARTIAL,
        uniforms: { n, b, m, nchunks, chunk_rows: chunkRows, out0, stride },
        buffers: [arg, bb, partial],
        workgroups: { linear: m * nchunks },
        cost: { flops: 2 * m * nb, bytes: 4 * (m + 1) * nb },
      });
    }
    await engine.launch({
      op,
      kernel: SPEC_DOT_FINISH,
      uniforms: { count: total * b, b, nchunks, off: 0 },
      buffers: [partial, out],
      workgroups: { linear: Math.ceil((total * b) / WG_1D) },
      cost: { flops: total * b * nchunks, bytes: 4 * total * b * (nchunks + 1) },
    });
  };
  // Basis blocks 0..j as slab pieces.
  const pieces = (j: number) => {
    const out: { arg: BufferArg; m: number; out0: number; slab: number }[] = [];
    for (let s = 0; s * blocksPerSlab <= j; s++) {
      const m = Math.min(blocksPerSlab, j + 1 - s * blocksPerSlab);
      out.push({ arg: slabArg(s, m), m, out0: s * blocksPerSlab, slab: s });
    }
    return out;
  };
  const normalize = async (src: Tensor, dst: BufferArg, j: number, record: boolean, norm2: Tensor) => {
    await engine.launch({
      op,
      kernel: SPEC_NORMALIZE,
      uniforms: { n, b, j, record: record ? 1 : 0 },
      buffers: [src, norm2, h1, h2, dst, hist],
      workgroups: { linear: Math.ceil(nb / WG_1D) },
      cost: { flops: nb, bytes: 8 * nb },
    });
  };

  let ok = false;
  try {
    // V_0 = X / ||X||.
    await dots([{ arg: X, m: 1, out0: 0 }], X, 1, nrm0);
    await normalize(X, blockArg(0), 0, false, nrm0);
    for (let j = 0; j < steps; j++) {
      await spmmInto(op, L, blockArg(j), W, b);
      const ps = pieces(j);
      for (const h of [h1, h2]) {
        await dots(ps, W, j + 1, h);
        for (const p of ps) {
          await engine.launch({
            op,
            kernel: combineSpec(true),
            uniforms: { n, b, m: p.m, h0: p.out0, stride },
            buffers: [p.arg, h, W],
            workgroups: { linear: Math.ceil(nb / WG_1D) },
            cost: { flops: 2 * p.m * nb, bytes: 4 * (p.m + 2) * nb },
          });
        }
      }
      await dots([{ arg: W, m: 1, out0: 0 }], W, 1, nrm);
      await normalize(W, blockArg(j + 1), j, true, nrm);
    }
    const [hv, n0] = await Promise.all([hist.read(), nrm0.read()]);
    const alpha: Float64Array[] = [], beta: Float64Array[] = [];
    for (let j = 0; j < steps; j++) {
      alpha.push(Float64Array.from(hv.subarray(2 * j * b, (2 * j + 1) * b)));
      beta.push(Float64Array.from(hv.subarray((2 * j + 1) * b, (2 * j + 2) * b)));
    }
    const norm0 = Float64Array.from(n0, (x) => Math.sqrt(Math.max(0, x)));
    ok = true;
    return { alpha, beta, norm0, basis: keepBasis ? { slabs, blocksPerSlab, stride, count } : null };
  } finally {
    for (const t of [W, h1, h2, nrm, nrm0, partial, hist]) t.dispose();
    if (!ok || !keepBasis) for (const s of slabs) s.dispose();
  }
}

/**
 * Column q's tridiagonal, cut at its first negligible beta (the Krylov space is exhausted there:
 * in float32 Lanczos, rounding leaves beta ~ sqrt(n) u ||L|| <= 1e-4 ||L|| for n <= 1e6, so a
 * beta below 1e-4 times the largest |alpha|, beta seen is noise, not a coupling).
 */
export function columnTridiagonal(run: BlockLanczosRun, q: number): { d: Float64Array; e: Float64Array; beta: number; exhausted: boolean } {
  const steps = run.alpha.length;
  if (!(run.norm0[q]! > 0)) return { d: new Float64Array(0), e: new Float64Array(0), beta: 0, exhausted: true };
  let scale = 0;
  for (let j = 0; j < steps; j++) scale = Math.max(scale, Math.abs(run.alpha[j]![q]!), run.beta[j]![q]!);
  let m = steps;
  let exhausted = false;
  for (let j = 0; j < steps; j++) {
    if (run.beta[j]![q]! <= 1e-4 * scale) {
      m = j + 1;
      exhausted = true;
      break;
    }
  }
  const d = new Float64Array(m), e = new Float64Array(Math.max(0, m - 1));
  for (let j = 0; j < m; j++) d[j] = run.alpha[j]![q]!;
  for (let j = 0; j + 1 < m; j++) e[j] = run.beta[j]![q]!;
  return { d, e, beta: exhausted ? 0 : run.beta[m - 1]![q]!, exhausted };
}

// ---- stochastic Lanczos quadrature ------------------------------------------------------------

export interface SlqOptions {
  /** The tau grid (non-negative, finite). */
  taus: ArrayLike<number>;
  /** Number of Rademacher probe vectors (default 32; >= 2 for standard errors). */
  probes?: number;
  /** Lanczos steps per probe (default 48, at most n - components). */
  steps?: number;
  seed?: number;
  /**
   * Null-space deflation. true (default): components found by a host union-find over the CSR
   * structure; an array: component label of every node (any integers); false: no deflation.
   */
  deflate?: boolean | ArrayLike<number>;
  /**
   * Probe vectors per GPU block. Default: as many as keep the block's Krylov basis
   * ((steps + 1) n floats a probe) within SLQ_BASIS_PER_INPUT x the CSR bytes, or within
   * SLQ_BASIS_FLOOR_BYTES where that is more (small graphs); at least 1, at most 128 and ~1 GiB.
   */
  blockSize?: number;
}

export interface SlqResult {
  taus: Float64Array;
  /** Estimates at every tau, and their standard errors (jackknife over probes). */
  Z: Float64Array; Z_se: Float64Array;
  mean: Float64Array; mean_se: Float64Array; // <l>
  meanSq: Float64Array; meanSq_se: Float64Array; // <l^2>
  S: Float64Array; S_se: Float64Array;
  C: Float64Array; C_se: Float64Array;
  /** Number of null modes deflated exactly (connected components); 0 without deflation. */
  components: number;
  probes: number;
  steps: number;
  /** The pooled quadrature rule (null mode first: node 0, weight N_c), usable with spectralThermo. */
  nodes: Float64Array;
  weights: Float64Array;
  /** Each probe's rule (squared norm, Ritz values, weights): what slqAt re-evaluates on another grid. */
  probeRules: { norm2: number[]; nodes: Float64Array[]; weights: Float64Array[] };
}

// Memory of slq: the Krylov basis of a block dominates (the CSR input, the probe block and the
// dot-product scratch are a few n x b floats more). Full reorthogonalisation needs all of it, so
// the probes run in blocks sized to keep it within this multiple of the CSR bytes: peak memory
// then stays a small constant times the input (measured in bench/linalg.ts), whatever the
// probe count, except that one probe's basis is the least a block can hold. Why 16 and not
// less: a 2-D lattice or Barabasi-Albert graph stores ~50-60 bytes a node and one probe's basis
// at 48 steps ~200, so 16x gives 3-4 probes a block, which ran within 5% of 32-probe blocks
// (1e4-node torus on lavapipe: 1 probe 9.5 s, 2 6.9 s, 4 5.6 s, 8 5.2 s, 32 5.4 s), where 4x
// gives single probes and twice the time (1e5-node BA sweep 44 s -> 89 s). Below the floor the
// whole run is a few tens of MiB anyway and fewer, wider blocks are faster.
export const SLQ_BASIS_PER_INPUT = 16;
export const SLQ_BASIS_FLOOR_BYTES = 32 * 2 ** 20;

/** Probes per block of slq on an n-node CSR matrix with nnz nonzeros (see SlqOptions.blockSize). */
export function slqBlockSize(n: number, nnz: number, steps: number, probes: number, blockSize?: number): number {
  const basisBytesPerProbe = 4 * n * (steps + 1);
  const cap = Math.max(1, Math.floor(2 ** 30 / basisBytesPerProbe));
  const budget = Math.max(SLQ_BASIS_PER_INPUT * 4 * (n + 1 + 2 * nnz), SLQ_BASIS_FLOOR_BYTES);
  return Math.max(1, Math.min(blockSize ?? Math.floor(budget / basisBytesPerProbe), probes, 128, cap));
}

/** The same estimates and standard errors on another tau grid, from the rules of a finished run (no Lanczos). */
export function slqAt(r: SlqResult, taus: ArrayLike<number>): SlqResult {
  return slqEstimates(Float64Array.from(taus), r.components, r.probeRules.norm2, r.probeRules.nodes, r.probeRules.weights, r.steps);
}

/**
 * Stochastic Lanczos quadrature for Z(tau) = Tr exp(-tau L), <l>, <l^2>, S and C of a symmetric
 * sparse Laplacian L (Ubaru, Chen & Saad, SIMAX 2017), every tau from one Lanczos run per probe.
 *
 * Deflation: the null space of L is spanned by the indicator vector of each connected component;
 * it contributes exactly N_c to Z (and 0 to the moments of l). Rademacher probes z are projected
 * off it on the host in float64, z' = z - (component mean of z), each component's part scaled
 * to squared norm N_c - 1 (so E[z' z'^T] = I - P exactly and ||z'||^2 = N - N_c), and the
 * estimator is Z = N_c + mean_p ||z'_p||^2 sum_j (e1^T y_j)^2 e^{-tau theta_j}, unbiased for
 * Tr exp(-tau L) restricted to the complement (exact at tau = 0). Ritz values below 0 (float32 rounding) are clamped to 0.
 * Standard errors: leave-one-probe-out jackknife of each (ratio) estimator, NaN with one probe.
 * Accuracy besides the probe noise: Gauss quadrature with k nodes is exact for polynomials of
 * degree 2k-1, so the Lanczos bias is negligible once k >~ sqrt(tau l_max); float32 Lanczos
 * perturbs the Ritz values by ~ k (d+1) u l_max.
 */
export async function slq(L: CsrMatrix, options: SlqOptions): Promise<SlqResult> {
  const op = 'slq';
  L.check(op);
  if (!L.symmetric) throw new ValueError(op, `${L} is not marked symmetric; SLQ needs an undirected (symmetric) Laplacian`);
  const n = L.n;
  const taus = Float64Array.from(options.taus);
  taus.forEach((t, i) => {
    if (!(Number.isFinite(t) && t >= 0)) throw new ValueError(op, `taus[${i}] = ${t}; taus must be finite and >= 0`);
  });
  const probes = options.probes ?? 32;
  if (!Number.isInteger(probes) || probes < 1) throw new ValueError(op, `probes must be a positive integer, got ${probes}`);
  let steps = options.steps ?? 48;
  if (!Number.isInteger(steps) || steps < 1) throw new ValueError(op, `steps must be a positive integer, got ${steps}`);
  const seed = options.seed ?? 1;

  // Components for deflation.
  let labels: Int32Array | null = null;
  let nc = 0;
  const deflate = options.deflate ?? true;
  if (deflate === true) {
    const cc = await connectedComponents(L);
    labels = cc.labels;
    nc = cc.count;
  } else if (deflate !== false) {
    if (deflate.length !== n) throw new ShapeError(op, `deflate labels have length ${deflate.length}, expected n = ${n}`);
    const map = new Map<number, number>();
    labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const l = deflate[i]!;
      if (!Number.isInteger(l)) throw new ValueError(op, `deflate label ${i} is ${l}, not an integer`);
      if (!map.has(l)) map.set(l, map.size);
      labels[i] = map.get(l)!;
    }
    nc = map.size;
  }
  steps = Math.max(1, Math.min(steps, n - nc));
  const compSize = new Float64Array(Math.max(1, nc));
  if (labels) for (let i = 0; i < n; i++) compSize[labels[i]!]!++;

  if (options.blockSize !== undefined && !(Number.isInteger(options.blockSize) && options.blockSize >= 1)) {
    throw new ValueError(op, `blockSize must be a positive integer, got ${options.blockSize}`);
  }
  const bsz = slqBlockSize(n, L.nnz, steps, probes, options.blockSize);
  const rand = seededRandom(seed);
  // Per probe: ||z'||^2 and its quadrature rule.
  const probeNorm2: number[] = [];
  const probeNodes: Float64Array[] = [];
  const probeWeights: Float64Array[] = [];
  const engine = L.engine;

  for (let p0 = 0; p0 < probes; p0 += bsz) {
    const b = Math.min(bsz, probes - p0);
    // Probe by probe from one stream, so the probes (and the estimates) do not depend on the
    // block size.
    const z = new Float64Array(n * b);
    const norm2 = new Float64Array(b);
    const zq = new Float64Array(n);
    for (let q = 0; q < b; q++) {
      for (let i = 0; i < n; i++) zq[i] = rand() < 0.5 ? -1 : 1;
      if (labels) deflateProbe(zq, labels, nc, compSize, rand);
      for (let i = 0; i < n; i++) z[i * b + q] = zq[i]!;
    }
    for (let i = 0; i < n; i++) for (let q = 0; q < b; q++) norm2[q]! += z[i * b + q]! ** 2;
    const X = engine.tensor(Float32Array.from(z), [n, b], 'f32');
    let run: BlockLanczosRun;
    try {
      run = await blockLanczos(op, L, X, steps, false);
    } finally {
      X.dispose();
    }
    for (let q = 0; q < b; q++) {
      const t = columnTridiagonal(run, q);
      const { values, vectors } = tridiagEigen(t.d, t.e);
      const m = values.length;
      const nodes = new Float64Array(m), w = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        nodes[j] = Math.max(0, values[j]!);
        w[j] = vectors[j]! ** 2; // first row of the eigenvector matrix
      }
      probeNorm2.push(run.norm0[q]! > 0 ? norm2[q]! : 0);
      probeNodes.push(nodes);
      probeWeights.push(w);
    }
  }
  return slqEstimates(taus, nc, probeNorm2, probeNodes, probeWeights, steps);
}

/**
 * Projects one Rademacher probe off the null space in place: per component c, subtract the mean,
 * then scale the part to squared norm N_c - 1 (resampling the component's signs in the rare
 * all-equal case). The law of z is invariant under permutations within a component and
 * independent across them, so E[z z^T] = I - P exactly, and ||z||^2 = N - N_c for every probe:
 * Z(0) is exact and the variance smaller.
 */
function deflateProbe(z: Float64Array, labels: Int32Array, nc: number, compSize: Float64Array, rand: () => number): void {
  const n = z.length;
  const mean = new Float64Array(nc), ss = new Float64Array(nc);
  for (let redo = true; redo; ) {
    mean.fill(0);
    ss.fill(0);
    for (let i = 0; i < n; i++) mean[labels[i]!]! += z[i]!;
    for (let c = 0; c < nc; c++) mean[c]! /= compSize[c]!;
    for (let i = 0; i < n; i++) ss[labels[i]!]! += (z[i]! - mean[labels[i]!]!) ** 2;
    redo = false;
    for (let i = 0; i < n; i++) {
      if (ss[labels[i]!] === 0 && compSize[labels[i]!]! > 1) { z[i] = rand() < 0.5 ? -1 : 1; redo = true; }
    }
  }
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    z[i] = ss[c]! > 0 ? (z[i]! - mean[c]!) * Math.sqrt((compSize[c]! - 1) / ss[c]!) : 0;
  }
}

/** @internal Estimates and jackknife standard errors from per-probe quadrature rules (float64). */
export function slqEstimates(
  taus: Float64Array,
  nc: number,
  norm2: number[],
  nodes: Float64Array[],
  weights: Float64Array[],
  steps: number,
): SlqResult {
  const P = norm2.length;
  const T = taus.length;
  const mk = () => new Float64Array(T);
  const r: SlqResult = {
    taus, Z: mk(), Z_se: mk(), mean: mk(), mean_se: mk(), meanSq: mk(), meanSq_se: mk(), S: mk(), S_se: mk(), C: mk(), C_se: mk(),
    components: nc, probes: P, steps, nodes: new Float64Array(0), weights: new Float64Array(0),
    probeRules: { norm2, nodes, weights },
  };
  const z0 = new Float64Array(P), z1 = new Float64Array(P), z2c = new Float64Array(P);
  for (let t = 0; t < T; t++) {
    const tau = taus[t]!;
    for (let p = 0; p < P; p++) {
      let a = 0, b = 0;
      const nd = nodes[p]!, w = weights[p]!;
      for (let j = 0; j < nd.length; j++) {
        const e = w[j]! * Math.exp(-tau * nd[j]!);
        a += e;
        b += e * nd[j]!;
      }
      z0[p] = norm2[p]! * a;
      z1[p] = norm2[p]! * b;
    }
    const sum0 = z0.reduce((x, y) => x + y, 0), sum1 = z1.reduce((x, y) => x + y, 0);
    // Centre for the variance: the pooled mean (the null mode sits at 0).
    const c = sum1 / P / (nc + sum0 / P);
    for (let p = 0; p < P; p++) {
      let s = 0;
      const nd = nodes[p]!, w = weights[p]!;
      for (let j = 0; j < nd.length; j++) s += w[j]! * Math.exp(-tau * nd[j]!) * (nd[j]! - c) ** 2;
      z2c[p] = norm2[p]! * s;
    }
    const sum2 = z2c.reduce((x, y) => x + y, 0);
    // All five quantities from (mean z0, mean z1, mean z2c) over a probe subset of size k.
    const est = (s0: number, s1: number, s2: number, k: number) => {
      const Z = nc + s0 / k;
      const mean = s1 / k / Z;
      // Sum over the spectrum of (l - c)^2 e^{-tau l}: probes plus N_c null modes at l = 0.
      const varc = (s2 / k + nc * c * c) / Z;
      const variance = varc - (mean - c) ** 2;
      return [Z, mean, variance + mean * mean, Math.log(Z) + tau * mean, tau * tau * variance];
    };
    const full = est(sum0, sum1, sum2, P);
    const se = new Float64Array(5);
    if (P > 1) {
      const loo: number[][] = [];
      for (let p = 0; p < P; p++) loo.push(est(sum0 - z0[p]!, sum1 - z1[p]!, sum2 - z2c[p]!, P - 1));
      for (let k = 0; k < 5; k++) {
        let m = 0;
        for (const v of loo) m += v[k]!;
        m /= P;
        let s = 0;
        for (const v of loo) s += (v[k]! - m) ** 2;
        se[k] = Math.sqrt(((P - 1) / P) * s);
      }
    } else se.fill(NaN);
    [r.Z[t], r.mean[t], r.meanSq[t], r.S[t], r.C[t]] = full as [number, number, number, number, number];
    [r.Z_se[t], r.mean_se[t], r.meanSq_se[t], r.S_se[t], r.C_se[t]] = se as unknown as [number, number, number, number, number];
  }
  // Pooled rule: node 0 with weight N_c, then every probe's nodes weighted ||z'||^2 w_j / P.
  let total = nc > 0 ? 1 : 0;
  for (const nd of nodes) total += nd.length;
  r.nodes = new Float64Array(total);
  r.weights = new Float64Array(total);
  let k = 0;
  if (nc > 0) { r.nodes[0] = 0; r.weights[0] = nc; k = 1; }
  for (let p = 0; p < P; p++) {
    for (let j = 0; j < nodes[p]!.length; j++) {
      r.nodes[k] = nodes[p]![j]!;
      r.weights[k++] = (norm2[p]! * weights[p]![j]!) / P;
    }
  }
  return r;
}
