// The spectrum behind an entropy sweep, by the method the graph's size calls for
// (SCIENCE.md, "Methods by size"): dense Jacobi (eigenvalues and eigenvectors), Householder
// tridiagonalisation + bisection (eigenvalues), or stochastic Lanczos quadrature (a quadrature
// rule standing in for the spectrum, with standard errors).
import type { Engine } from '../../runtime/engine.js';
import type { Tensor } from '../../runtime/tensor.js';
import { ValueError } from '../../runtime/errors.js';
import { eigh } from '../ops/eigh.js';
import { laplacianFromEdges } from '../ops/sparse.js';
import { slq, type SlqResult } from '../ops/lanczos.js';
import type { Graph } from '../graph/graph.js';
import { denseLaplacian } from '../graph/laplacian.js';
import type { SpectralMeasure } from './scales.js';

export type SpectrumMethod = 'dense' | 'tridiagonal' | 'slq';

/** Largest n for dense methods by default: an n x n float32 matrix and its eigenvectors stay small, and Jacobi is fast enough on CPU adapters. */
export const DENSE_LIMIT = 2048;

export interface SlqSettings {
  probes: number;
  steps: number;
  seed: number;
}

export interface Spectrum {
  method: SpectrumMethod;
  /** The spectral measure: eigenvalues (weights 1), or the pooled SLQ quadrature rule. */
  measure: SpectralMeasure;
  /** Eigenvalues ascending (dense/tridiagonal), clamped at 0. */
  eigenvalues?: Float64Array;
  /** Eigenvectors [n, n] on the GPU (dense only): column k belongs to eigenvalues[k]. The caller disposes. */
  vectors?: Tensor;
  /** Bound on the absolute error of each eigenvalue (dense/tridiagonal): c n u ||L||. */
  eigenvalueError?: number;
  /** The same eigenvectors on the host (read back once, for the residuals and the error bounds). */
  hostVectors?: Float32Array;
  /** Residual norms ||L v_k - l_k v_k||_2 of the computed eigenvectors (dense with vectors), for a posteriori error bounds. */
  residuals?: Float64Array;
  /** V^T (L V - V Lambda) in float64, n x n (dense with vectors, n <= PROJECTED_RESIDUAL_LIMIT). */
  projectedResidual?: Float64Array;
  slq?: SlqResult;
  lmax: number;
  /** Smallest nonzero eigenvalue (the first after the components' zero modes). */
  l2: number;
  seconds: number;
}

const U = 2 ** -24;

export function chooseMethod(n: number, wantVectors: boolean): SpectrumMethod {
  if (n <= DENSE_LIMIT) return wantVectors || n <= 256 ? 'dense' : 'tridiagonal';
  return 'slq';
}

/** Symmetric Laplacian of g (a directed graph is symmetrised: (A + A^T) / 2). */
export function symmetricLaplacian(g: Graph, normalized: boolean): Float64Array {
  const L = denseLaplacian(g, { normalized });
  if (!g.directed) return L;
  const n = g.n;
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = (L[i * n + j]! + L[j * n + i]!) / 2;
  // Re-balance the diagonal so rows sum to 0 after symmetrising the off-diagonal part.
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let j = 0; j < n; j++) if (j !== i) off += S[i * n + j]!;
    S[i * n + i] = -off;
  }
  return S;
}

/** Largest n for which the projected residual V^T (L V - V Lambda) is formed (O(n^3) float64 host work, ~0.5 s at 512). */
export const PROJECTED_RESIDUAL_LIMIT = 512;

/**
 * Residuals of the computed eigenpairs, evaluated on the host in float64 from the float32 vectors
 * (a float32 L V would be off by ~ d u ||L||, more than Jacobi's actual residuals):
 * the column norms r_k = ||L v_k - l_k v_k||_2 (O(nnz(L) n)), and for n <= PROJECTED_RESIDUAL_LIMIT
 * the projected residual E' = V^T R, n x n, which first-order perturbation bounds use directly.
 */
function residualsOf(Lh: Float64Array, n: number, V: Float32Array, values: Float32Array): { norms: Float64Array; projected?: Float64Array } {
  const R = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const lij = Lh[i * n + j]!;
      if (lij === 0) continue;
      for (let k = 0; k < n; k++) R[i * n + k] += lij * V[j * n + k]!;
    }
    for (let k = 0; k < n; k++) R[i * n + k] -= values[k]! * V[i * n + k]!;
  }
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) norms[k] += R[i * n + k]! ** 2;
  for (let k = 0; k < n; k++) norms[k] = Math.sqrt(norms[k]!);
  if (n > PROJECTED_RESIDUAL_LIMIT) return { norms };
  const P = new Float64Array(n * n); // P = V^T R
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const vij = V[i * n + j]!;
      if (vij === 0) continue;
      const pRow = j * n, rRow = i * n;
      for (let k = 0; k < n; k++) P[pRow + k] += vij * R[rRow + k]!;
    }
  }
  return { norms, projected: P };
}

/** Eigen-decomposition of a dense symmetric Laplacian (float64 host matrix) on the GPU. */
export async function denseSpectrum(
  engine: Engine,
  Lh: Float64Array,
  n: number,
  opts: { method: 'dense' | 'tridiagonal'; components: number; vectors: boolean },
): Promise<Spectrum> {
  const t0 = performance.now();
  if (n > DENSE_LIMIT * 4) {
    throw new ValueError('rg', `n = ${n} is too large for the dense '${opts.method}' method (limit ${DENSE_LIMIT * 4}); use --method slq, the sparse stochastic Lanczos quadrature`);
  }
  const L = engine.tensor(Float32Array.from(Lh), [n, n]);
  let norm = 0; // ||L||_2 <= max row sum of |L| (Gershgorin)
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += Math.abs(Lh[i * n + j]!);
    norm = Math.max(norm, r);
  }
  try {
    const wantVectors = opts.method === 'dense' && opts.vectors;
    const r = await eigh(L, { vectors: wantVectors, method: opts.method === 'dense' ? 'auto' : 'tridiagonal' });
    const raw = await r.values.read();
    const hostVectors = r.vectors ? ((await r.vectors.read()) as Float32Array) : undefined;
    const res = hostVectors ? residualsOf(Lh, n, hostVectors, raw as Float32Array) : undefined;
    const vals = Float64Array.from(raw, (x) => Math.max(0, x));
    r.values.dispose();
    // The first `components` eigenvalues are the zero modes: exactly 0.
    for (let k = 0; k < opts.components; k++) vals[k] = 0;
    const l2 = opts.components < n ? vals[opts.components]! : 0;
    return {
      method: opts.method,
      measure: { nodes: vals },
      eigenvalues: vals,
      ...(r.vectors ? { vectors: r.vectors, hostVectors: hostVectors! } : {}),
      ...(res ? { residuals: res.norms } : {}),
      ...(res?.projected ? { projectedResidual: res.projected } : {}),
      eigenvalueError: 4 * n * U * norm,
      lmax: vals[n - 1]!,
      l2,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    L.dispose();
  }
}

export async function computeSpectrum(
  engine: Engine,
  g: Graph,
  opts: { method: SpectrumMethod; components: number; vectors: boolean; normalized: boolean; slq: SlqSettings },
): Promise<Spectrum> {
  const t0 = performance.now();
  const n = g.n;
  if (opts.method !== 'slq') {
    return denseSpectrum(engine, symmetricLaplacian(g, opts.normalized), n, { method: opts.method, components: opts.components, vectors: opts.vectors });
  }
  if (g.directed || opts.normalized) {
    throw new ValueError('rg', `the slq method supports undirected combinatorial Laplacians; this graph is ${g.directed ? 'directed' : 'normalised'}`);
  }
  const L = await laplacianFromEdges(engine, n, { src: g.src, dst: g.dst, weight: g.weight });
  try {
    // One Lanczos run; its per-probe rules give estimates on any grid later (slqAt).
    const r = await slq(L, { taus: [1], probes: opts.slq.probes, steps: Math.min(opts.slq.steps, Math.max(1, n - opts.components)), seed: opts.slq.seed });
    let lmax = 0;
    let l2 = Infinity;
    for (let i = 0; i < r.nodes.length; i++) {
      if (r.weights[i]! <= 0) continue;
      lmax = Math.max(lmax, r.nodes[i]!);
      if (r.nodes[i]! > 0) l2 = Math.min(l2, r.nodes[i]!);
    }
    return { method: 'slq', measure: { nodes: r.nodes, weights: r.weights }, slq: r, lmax, l2: Number.isFinite(l2) ? l2 : 0, seconds: (performance.now() - t0) / 1000 };
  } finally {
    L.dispose();
  }
}

/**
 * First-order bound on |dC| at tau when every eigenvalue may be off by delta:
 * dC/dl_i = tau^2 p_i [2 (l_i - mu) - tau ((l_i - mu)^2 - Var)], p_i = e^{-tau l_i} / Z.
 */
export function specificHeatErrorBound(eigenvalues: ArrayLike<number>, tau: number, delta: number): number {
  const n = eigenvalues.length;
  let Z = 0, s1 = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(-tau * eigenvalues[i]!);
    Z += w;
    s1 += w * eigenvalues[i]!;
  }
  const mu = s1 / Z;
  let v = 0;
  for (let i = 0; i < n; i++) v += (Math.exp(-tau * eigenvalues[i]!) / Z) * (eigenvalues[i]! - mu) ** 2;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp(-tau * eigenvalues[i]!) / Z;
    const d = eigenvalues[i]! - mu;
    acc += p * Math.abs(2 * d - tau * (d * d - v));
  }
  return tau * tau * delta * acc;
}
