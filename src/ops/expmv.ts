// The action of the heat kernel exp(-tau L) on a block of vectors, for a symmetric sparse L with
// spectrum in [0, l_max], for a whole list of taus.
//
// Chebyshev (default): with phi = l_max / 2 and L~ = L / phi - I (spectrum in [-1, 1]),
//   exp(-tau L) = sum_k c_k(tau) T_k(L~),  c_0 = e^{-x} I_0(x),  c_k = 2 (-1)^k e^{-x} I_k(x), x = tau phi,
// the scaled Bessel values computed on the host in float64 (Miller's recurrence). One three-term
// recurrence T_{k+1} = 2 L~ T_k - T_{k-1} (one fused SpMM per term) serves every tau; each tau
// stops accumulating at its own K(tau) = the smallest K with 2 sum_{k>K} e^{-x} I_k(x) <= tol,
// which bounds the truncation error exactly: ||T_k(L~)||_2 <= 1 on the spectrum, so
// ||y - y_K||_2 <= tol ||v||_2 per column. Since e^{-x} I_k(x) ~ e^{-k^2/(2x)}, K grows like
// sqrt(2 x ln(1/tol)) (x = tau l_max / 2), not like x: ~190 terms at x = 1200, tol = 1e-6.
// Krylov fallback for taus with K(tau) > maxTerms (tau l_max large): Lanczos with full
// reorthogonalisation from each column of V, y = ||v|| Q_m exp(-tau T_m) e_1 (T_m eigensolved
// on the host in float64); its error is estimated a posteriori by
// ||v|| beta_m |e_m^T exp(-tau T_m) e_1| (0 when the Krylov space is exhausted), reported.
// l_max: Gershgorin (2 max degree for a Laplacian) unless given.
//
// Float32 rounding on top of the truncation error, per column (worst case, derived in
// test/linalg/expmv.test.ts): <= (K^2 / 2) (4 (d + 1) + 6) u ||v||_2 for K terms, d = max row
// nonzeros; in practice errors grow like sqrt of that.
import type { Tensor } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { WG_1D, engineOf } from './common.js';
import { CsrMatrix, gershgorinBound, spmmInto } from './sparse.js';
import { blockLanczos, columnTridiagonal } from './lanczos.js';
import { scaledBesselI, tridiagEigen } from './host-numerics.js';

export interface ExpmvOptions {
  taus: ArrayLike<number>;
  /** Truncation tolerance relative to ||v||_2 per column (default 1e-6: below float32 noise). */
  tol?: number;
  /** Upper bound on the spectrum (default: Gershgorin, read from the matrix). */
  lmax?: number;
  /** Taus needing more Chebyshev terms than this (x = tau l_max / 2 >~ 2400 at tol 1e-6) go to the Krylov fallback (default 256). */
  maxTerms?: number;
  /** Lanczos steps of the fallback (default min(n, 64)). */
  krylovSteps?: number;
}

export interface ExpmvResult {
  /** exp(-tau_t L) V for every tau, each shaped like V; the caller disposes them. */
  y: Tensor[];
  method: ('chebyshev' | 'krylov')[];
  /** Chebyshev terms, or Lanczos steps, used for each tau. */
  terms: number[];
  /** Error bound (Chebyshev, a priori) or estimate (Krylov, a posteriori), relative to ||v||_2, max over columns. */
  errorBound: number[];
  lmax: number;
}

const ACCUMULATE: KernelSpec = {
  name: 'cheb_accumulate',
  shader: 'linalg/cheb_accumulate.wgsl',
  defines: { WG: WG_1D },
  bindings: ['read', 'read_write'],
  uniforms: [
    { name: 'nb', type: 'u32' },
    { name: 'c', type: 'f32' },
    { name: 'init', type: 'u32' },
  ],
};

/** Smallest K with 2 sum_{k>K} ie[k] <= tol, given ie = e^{-x} I_k(x) long enough; and the tail. */
function termsFor(ie: Float64Array, tol: number): { K: number; tail: number } {
  let tail = 0;
  for (let K = ie.length - 1; K >= 0; K--) {
    const next = tail + 2 * ie[K]!;
    if (next > tol) return { K, tail };
    tail = next;
  }
  return { K: 0, tail: 0 };
}

/** y_t = exp(-tau_t L) V for symmetric sparse L (spectrum >= 0) and V [n] or [n, b]. */
export async function expmv(L: CsrMatrix, V: Tensor, options: ExpmvOptions): Promise<ExpmvResult> {
  const op = 'expmv';
  L.check(op);
  const engine = engineOf(op, V);
  if (engine !== L.engine) throw new ShapeError(op, `${L} and ${V} belong to different engines`);
  if (V.dtype !== 'f32') throw new DTypeError(op, `${V} has dtype ${V.dtype}; expected f32`);
  if (!((V.rank === 1 || V.rank === 2) && V.shape[0] === L.n)) {
    throw new ShapeError(op, `V must be [${L.n}] or [${L.n}, b] for ${L}, got ${fmtShape(V.shape)}`);
  }
  if (!L.symmetric) throw new ValueError(op, `${L} is not marked symmetric; expmv needs a real spectrum in [0, l_max] (undirected Laplacian)`);
  const taus = Array.from(options.taus);
  taus.forEach((t, i) => {
    if (!(Number.isFinite(t) && t >= 0)) throw new ValueError(op, `taus[${i}] = ${t}; taus must be finite and >= 0`);
  });
  const tol = options.tol ?? 1e-6;
  if (!(tol > 0 && tol < 1)) throw new ValueError(op, `tol must be in (0, 1), got ${tol}`);
  const maxTerms = options.maxTerms ?? 256;
  const n = L.n;
  const b = V.rank === 2 ? V.shape[1]! : 1;
  const nb = n * b;
  const lmax = options.lmax ?? (await gershgorinBound(L));
  if (!(Number.isFinite(lmax) && lmax >= 0)) throw new ValueError(op, `lmax must be finite and >= 0, got ${lmax}`);
  const phi = lmax / 2;

  // Per-tau plan.
  const method: ('chebyshev' | 'krylov')[] = [];
  const terms: number[] = [];
  const errorBound: number[] = [];
  const coef: Float64Array[] = [];
  for (const tau of taus) {
    const x = tau * phi;
    const kcap = Math.ceil(x + 14 * Math.sqrt(x) + 60);
    const ie = scaledBesselI(x, kcap);
    const { K, tail } = termsFor(ie, tol);
    if (K > maxTerms) {
      method.push('krylov');
      terms.push(0);
      errorBound.push(NaN);
      coef.push(new Float64Array(0));
    } else {
      method.push('chebyshev');
      terms.push(K);
      errorBound.push(tail);
      coef.push(Float64Array.from(ie.subarray(0, K + 1), (v, k) => (k === 0 ? v : 2 * (k % 2 ? -v : v))));
    }
  }
  const y: Tensor[] = taus.map(() => engine.empty(V.shape, 'f32', op));
  if (nb === 0) return { y, method, terms, errorBound, lmax };
  const temps: Tensor[] = [];
  try {
    // ---- Chebyshev: one recurrence for every Chebyshev tau.
    const kmaxCheb = Math.max(-1, ...terms.filter((_, i) => method[i] === 'chebyshev'));
    if (kmaxCheb >= 0) {
      const acc = async (tk: Tensor, k: number) => {
        for (let t = 0; t < taus.length; t++) {
          if (method[t] !== 'chebyshev' || k > terms[t]!) continue;
          await engine.launch({
            op, kernel: ACCUMULATE, uniforms: { nb, c: coef[t]![k]!, init: k === 0 ? 1 : 0 }, buffers: [tk, y[t]!],
            workgroups: { linear: Math.ceil(nb / WG_1D) }, cost: { flops: 2 * nb, bytes: 12 * nb },
          });
        }
      };
      await acc(V, 0);
      if (kmaxCheb >= 1) {
        const bufs = [engine.empty([nb], 'f32', op), engine.empty([nb], 'f32', op), engine.empty([nb], 'f32', op)];
        temps.push(...bufs);
        // T_1 = L V / phi - V
        await spmmInto(op, L, V, bufs[1]!, b, 1 / phi, -1, 0);
        await acc(bufs[1]!, 1);
        let prev: Tensor = V, cur = bufs[1]!;
        for (let k = 2; k <= kmaxCheb; k++) {
          const next = bufs.find((t) => t !== prev && t !== cur)!;
          // T_{k+1} = (2 / phi) L T_k - 2 T_k - T_{k-1}
          await spmmInto(op, L, cur, next, b, 2 / phi, -2, -1, prev);
          await acc(next, k);
          prev = cur;
          cur = next;
        }
      }
    }
    // ---- Krylov fallback.
    const kry = taus.map((_, i) => i).filter((i) => method[i] === 'krylov');
    if (kry.length > 0) {
      const steps = Math.max(1, Math.min(options.krylovSteps ?? 64, n));
      const run = await blockLanczos(op, L, V, steps, true);
      const basis = run.basis!;
      temps.push(...basis.slabs);
      const cols = Array.from({ length: b }, (_, q) => {
        const t = columnTridiagonal(run, q);
        return { t, eig: tridiagEigen(t.d, t.e) };
      });
      const H = new Float32Array(basis.count * b);
      const Ht = engine.empty([basis.count * b], 'f32', op);
      const Hneg = engine.empty([basis.count * b], 'f32', op);
      temps.push(Ht, Hneg);
      for (const ti of kry) {
        const tau = taus[ti]!;
        H.fill(0);
        let est = 0;
        for (let q = 0; q < b; q++) {
          const { t, eig } = cols[q]!;
          const m = t.d.length;
          // g = exp(-tau T) e_1 = U diag(e^{-tau theta}) U^T e_1
          const g = new Float64Array(m);
          for (let j = 0; j < m; j++) {
            const f = Math.exp(-tau * eig.values[j]!) * eig.vectors[j]!; // U[0, j]
            for (let i = 0; i < m; i++) g[i]! += eig.vectors[i * m + j]! * f;
          }
          for (let i = 0; i < m; i++) H[i * b + q] = run.norm0[q]! * g[i]!;
          if (m > 0 && !t.exhausted) est = Math.max(est, t.beta * Math.abs(g[m - 1]!));
        }
        engine.upload(Ht, H);
        engine.upload(Hneg, H.map((v) => -v));
        for (let s = 0; s < basis.slabs.length; s++) {
          const m = Math.min(basis.blocksPerSlab, basis.count - s * basis.blocksPerSlab);
          await engine.launch({
            op,
            kernel: {
              name: s === 0 ? 'block_combine' : 'block_orthogonalise', shader: 'linalg/block_combine.wgsl', defines: { WG: WG_1D, SUB: s !== 0 },
              bindings: ['read', 'read', 'read_write'], uniforms: ['n', 'b', 'm', 'h0', 'stride'].map((name) => ({ name, type: 'u32' as const })),
            },
            uniforms: { n, b, m, h0: s * basis.blocksPerSlab, stride: basis.stride },
            buffers: [{ buffer: basis.slabs[s]!.buffer, offset: 0, size: 4 * basis.stride * m }, s === 0 ? Ht : Hneg, y[ti]!],
            workgroups: { linear: Math.ceil(nb / WG_1D) },
            cost: { flops: 2 * m * nb, bytes: 4 * (m + 1) * nb },
          });
        }
        terms[ti] = steps;
        errorBound[ti] = est;
      }
    }
  } catch (e) {
    for (const t of y) t.dispose();
    throw e;
  } finally {
    for (const t of temps) t.dispose();
  }
  return { y, method, terms, errorBound, lmax };
}
