// Kadanoff supernodes at one tau from the GPU eigendecomposition, and the heat kernel itself.
//
// The rule (link i != j iff rho_ij >= min(rho_ii, rho_jj)) is evaluated on
//   K'(tau) = sum_{k non-null} e^{-tau (l_k - l_2)} u_k u_k^T,
// which is K = e^{-tau L} with the zero modes removed and rescaled. Removing the zero modes
// subtracts the same constant 1/n_c from every entry within a connected component (cross-component
// entries are 0 and never link either way), and the rescaling multiplies every entry by the same
// positive number, so the rule's outcome is unchanged in exact arithmetic. In float32 it is what
// makes the rule usable: K itself is 1/n_c plus structure of relative size e^{-tau l_2}, which
// drowns in rounding once tau l_2 exceeds ~15, while K' keeps that structure at full relative
// precision until e^{-tau (l_k - l_2)} underflows.
import type { Engine } from '../../runtime/engine.js';
import type { Tensor } from '../../runtime/tensor.js';
import { ValueError } from '../../runtime/errors.js';
import type { Spectrum } from './spectrum.js';
import { mul } from '../ops/elementwise.js';
import { matmul } from '../ops/matmul.js';
import { supernodes, type Supernodes } from '../graph/supernodes.js';

const U = 2 ** -24;

/** V diag(w) V^T on the GPU, read back as a dense row-major Float32Array. */
export async function weightedProjector(engine: Engine, vectors: Tensor, w: Float32Array): Promise<Float32Array> {
  const n = vectors.shape[0]!;
  return engine.scope(async () => {
    const wt = engine.tensor(w, [1, n]);
    const scaled = await mul(vectors, wt); // column k scaled by w_k
    const K = await matmul(scaled, vectors, { transB: true });
    return (await K.read()) as Float32Array;
  });
}

/** The heat kernel K = e^{-tau L} = V e^{-tau Lambda} V^T (zero modes included). */
export async function heatKernel(engine: Engine, vectors: Tensor, eigenvalues: ArrayLike<number>, tau: number): Promise<Float32Array> {
  const w = Float32Array.from(eigenvalues, (l) => Math.exp(-tau * l));
  return weightedProjector(engine, vectors, w);
}

export interface CoarseGraining extends Supernodes {
  tau: number;
  /** The absolute error bound on K' entries the relative tolerance was derived from. */
  absTol: number;
}

/**
 * A posteriori first-order bound on the entries of the computed K' = f(L), f(l) = e^{-tau (l - l_2)}
 * on non-null modes and 0 on the null space. The computed eigenpairs are exact for L + E; by the
 * Daleckii-Krein formula f(L + E) - f(L) = V (E' o F) V^T + O(E^2), E' = V^T E V = V^T (L V - V
 * Lambda) and F the divided differences F_jk = (f(l_j) - f(l_k)) / (l_j - l_k) (f'(l_j) when
 * equal). So |dK'_ab| <= (|V| (|E'| o |F|) |V|^T)_ab. With E' at hand (n small enough) that is
 * evaluated exactly; otherwise |E'_jk| <= min(r_j, r_k) (residual norms) and |v_aj| <= a_j =
 * max_a |v_aj|. Mixing between modes of (nearly) equal weight costs nothing (F_jk -> tau w),
 * mixing across a large gap is divided by the gap. Rounding of the float32 product adds d u D (d
 * the summation depth, D = max K'_ii, Cauchy-Schwarz); two entries are compared, so the total is
 * doubled.
 */
export function projectorErrorBound(
  eigenvalues: ArrayLike<number>, residuals: ArrayLike<number>, V: Float32Array, projected: Float64Array | undefined,
  w: ArrayLike<number>, tau: number, D: number,
): number {
  const n = eigenvalues.length;
  const F = (j: number, k: number): number => {
    const wj = w[j]!, wk = w[k]!;
    if (wj === 0 && wk === 0) return 0;
    const dl = Math.abs(eigenvalues[k]! - eigenvalues[j]!);
    return dl > 0 ? Math.min(Math.abs(wj - wk) / dl, tau * Math.max(wj, wk)) : tau * Math.max(wj, wk);
  };
  let err = 0;
  if (projected) {
    // M = |E'| o |F|, then max_ab (|V| M |V|^T)_ab
    const M = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) M[j * n + k] = Math.abs(projected[j * n + k]!) * F(j, k);
    const AV = new Float64Array(n * n); // |V| M
    for (let a = 0; a < n; a++) {
      for (let j = 0; j < n; j++) {
        const v = Math.abs(V[a * n + j]!);
        if (v === 0) continue;
        for (let k = 0; k < n; k++) AV[a * n + k] += v * M[j * n + k]!;
      }
    }
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += AV[a * n + k]! * Math.abs(V[b * n + k]!);
        if (t > err) err = t;
      }
    }
  } else {
    const amax = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) amax[k] = Math.max(amax[k]!, Math.abs(V[i * n + k]!));
    for (let j = 0; j < n; j++) {
      err += residuals[j]! * F(j, j) * amax[j]! * amax[j]!;
      for (let k = j + 1; k < n; k++) err += 2 * Math.min(residuals[j]!, residuals[k]!) * F(j, k) * amax[j]! * amax[k]!;
    }
  }
  const d = Math.ceil(Math.log2(Math.max(2, n))) + 1;
  return 2 * (err + d * U * D);
}

/**
 * Supernodes at tau by the rule on K' (see the file comment), with ties policy 'split': a link
 * must hold beyond projectorErrorBound. The rule wants positive diagonals, so D = max K'_ii is
 * added to every entry (comparisons unchanged) and the bound passed relative to that offset.
 */
export async function coarseGrain(engine: Engine, spec: Spectrum, components: number, tau: number): Promise<CoarseGraining> {
  const { vectors, hostVectors: V, eigenvalues, residuals, projectedResidual } = spec;
  if (!vectors || !V || !eigenvalues || !residuals) {
    throw new ValueError('coarseGrain', `needs a dense spectrum with eigenvectors; this one was computed by '${spec.method}'`);
  }
  const n = eigenvalues.length;
  const l2 = components < n ? eigenvalues[components]! : 0;
  const w = new Float32Array(n);
  for (let k = components; k < n; k++) w[k] = Math.exp(-tau * (eigenvalues[k]! - l2));
  const K = await weightedProjector(engine, vectors, w);
  let D = 0;
  for (let i = 0; i < n; i++) D = Math.max(D, K[i * n + i]!);
  if (!(D > 0)) {
    // Every non-null mode underflowed: no structure is left to decide on; every node stays alone.
    const labels = Uint32Array.from({ length: n }, (_, i) => i);
    return { count: n, labels, sizes: new Uint32Array(n).fill(1), relTol: 0, tau, absTol: 0 };
  }
  const absTol = projectorErrorBound(eigenvalues, residuals, V, projectedResidual, w, tau, D);
  for (let i = 0; i < n * n; i++) K[i] = K[i]! + D;
  // supernodes() takes relTol < 1: a bound that large means nothing can be decided, so nothing links.
  const relTol = absTol / D;
  if (relTol >= 1) {
    const labels = Uint32Array.from({ length: n }, (_, i) => i);
    return { count: n, labels, sizes: new Uint32Array(n).fill(1), relTol, tau, absTol };
  }
  const sn = supernodes(K, n, { relTol, ties: 'split' });
  return { ...sn, tau, absTol };
}
