import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32, rng } from '../helpers/random.js';
import { U32 } from '../helpers/tolerance.js';
import { denseLaplacian, heatApply, jacobiEigen, torusEdges, torusHeatApply, type Edges } from '../reference/graph-spectra.js';
import { expmv, laplacianFromEdges, ValueError, ShapeError } from '../../src/index.js';

const engine = useEngine();

function colNorms(x: ArrayLike<number>, n: number, b: number): number[] {
  const s = new Array(b).fill(0);
  for (let i = 0; i < n; i++) for (let q = 0; q < b; q++) s[q] += x[i * b + q]! ** 2;
  return s.map(Math.sqrt);
}

// Error bound per column q, relative to ||v_q||_2: the method's truncation bound (Chebyshev,
// exact tail of the Bessel series) or a posteriori estimate (Krylov), plus float32 rounding.
// Rounding, Chebyshev (worst case): each recurrence step adds ||eps_k||_2 <= (4 (d + 1) + 6) u ||v||
// (SpMM dot of d + 1 terms scaled by 2/phi <= 4 / (2 D_max) ... times |L| row sums <= 2 D_max,
// plus 3 fused terms), propagated by U_{K-k}(L~) with norm <= K - k + 1, and summed with
// coefficients whose absolute sum is 1: <= (K^2 / 2 + K) (4 (d + 1) + 6) u ||v||.
// Krylov: full reorthogonalisation keeps the float32 basis orthonormal to ~m u, and the
// recurrence residual per step is ~(d + 1) u ||L||/l_max; same form with m in place of K.
function roundingBound(terms: number, d: number): number {
  return (terms * terms / 2 + terms + 1) * (4 * (d + 1) + 6) * U32;
}

async function checkAgainst(n: number, b: number, edges: Edges, taus: number[], ref: (x: Float32Array, tau: number) => Float64Array, d: number, opts: { krylovSteps?: number } = {}) {
  const e = engine();
  const L = await laplacianFromEdges(e, n, edges);
  const xd = randomF32(n * b, n + b);
  const V = e.tensor(xd, [n, b]);
  const r = await expmv(L, V, { taus, ...opts });
  const norms = colNorms(xd, n, b);
  let worst = 0;
  for (let t = 0; t < taus.length; t++) {
    const got = await r.y[t]!.read();
    const want = ref(xd, taus[t]!);
    const bound = r.errorBound[t]! + roundingBound(r.terms[t]!, d);
    for (let i = 0; i < n * b; i++) {
      const q = i % b;
      const err = Math.abs(got[i]! - want[i]!) / norms[q]!;
      worst = Math.max(worst, err / bound);
      expect(err, `tau ${taus[t]} (${r.method[t]}, ${r.terms[t]} terms) element ${i}`).toBeLessThanOrEqual(bound);
    }
  }
  r.y.forEach((y) => y.dispose());
  V.dispose();
  L.dispose();
  console.log(`expmv n=${n} b=${b}: methods ${r.method.join(',')}, terms ${r.terms.join(',')}, bounds ${r.errorBound.map((x) => x.toExponential(1)).join(',')}, worst err/bound ${worst.toFixed(4)}`);
  return { r, worst };
}

describe('expmv', () => {
  it('random weighted graph n=120 with two components vs dense float64 (Jacobi), Chebyshev and Krylov', async () => {
    const n = 120, b = 3;
    const g = rng(11);
    const w = randomF32(400, 12, 0.5, 1.5);
    const edges: Edges = { src: [], dst: [], weight: [] };
    for (let k = 0; k < 400; k++) {
      const half = k % 2 ? 0 : 60; // two components of 60 nodes each
      edges.src.push(half + Math.floor(g() * 60)); edges.dst.push(half + Math.floor(g() * 60)); edges.weight.push(w[k]!);
    }
    const eig = jacobiEigen(denseLaplacian(n, edges, false), n);
    let dmax = 0;
    for (let i = 0; i < n; i++) dmax = Math.max(dmax, edges.src.filter((s, k) => (s === i) !== (edges.dst[k] === i)).length);
    const { r } = await checkAgainst(n, b, edges, [0, 0.01, 0.3, 2, 40, 5000], (x, tau) => heatApply(eig, x, n, b, tau), dmax);
    // e^{-x} I_k(x) ~ e^{-k^2 / 2x}: K ~ sqrt(2 x ln(1/tol)) exceeds 256 only for x >~ 2400.
    expect(r.method).toEqual(['chebyshev', 'chebyshev', 'chebyshev', 'chebyshev', 'chebyshev', 'krylov']);
    expect(r.terms[0]).toBe(0);
  });

  it('2-D torus 40 x 50 (2000 nodes) vs the exact Kronecker heat kernel, incl. large tau l_max', async () => {
    const l1 = 40, l2 = 50, b = 2;
    const { r } = await checkAgainst(l1 * l2, b, torusEdges(l1, l2), [0.2, 5, 300, 2000], (x, tau) => torusHeatApply(l1, l2, x, b, tau), 4, { krylovSteps: 80 });
    expect(r.method).toEqual(['chebyshev', 'chebyshev', 'chebyshev', 'krylov']);
    expect(r.lmax).toBe(8);
  });

  it('rejects bad input', async () => {
    const e = engine();
    const L = await laplacianFromEdges(e, 4, { src: [0, 1], dst: [1, 2] });
    const V = e.tensor(new Float32Array(8), [4, 2]);
    const W = e.tensor(new Float32Array(6), [3, 2]);
    await expect(expmv(L, V, { taus: [-1] })).rejects.toThrow(/expmv: taus\[0\] = -1/);
    await expect(expmv(L, W, { taus: [1] })).rejects.toThrow(ShapeError);
    await expect(expmv(L, V, { taus: [1], tol: 0 })).rejects.toThrow(ValueError);
    const D = await laplacianFromEdges(e, 4, { src: [0], dst: [1] }, { directed: true });
    await expect(expmv(D, V, { taus: [1] })).rejects.toThrow(/not marked symmetric/);
    for (const t of [V, W]) t.dispose();
    L.dispose(); D.dispose();
  });
});
