// eigh: Jacobi and tridiagonal+bisection against float64 references and exactly known
// Laplacian spectra.
//
// Error bounds (u = 2^-24), derived rather than fitted:
// - One Jacobi rotation applied to a pair of rows or columns: the computed (c, s) come from
//   1 + t^2, a square root and divisions, each within WGSL's 2.5-ulp accuracy for / and sqrt,
//   so |c^2 + s^2 - 1| <= ~12u; the update itself adds two roundings per entry: <= 16u in all
//   (relative to the entries touched). In one sweep each entry of A is touched by 2(n - 1)
//   rotations (its row's pair and its column's pair each step), each entry of V by n - 1.
//   After S sweeps (the solver reports S) errors add at most linearly, so
//     ||A V - V L||_F / ||A||_F <= 16 u S (2n + n) = 48 S n u,
//     max |V^T V - I|_ij <= 2 * 16 u S n = 32 S n u,
//     |w_i - lambda_i| <= ||E_A||_2 <= 32 S n u ||A||_F (Weyl).
//   For A = D H D with H well conditioned, the rotation test |a_pq| <= u sqrt(a_pp a_qq) makes
//   the same errors relative to the scaled entries (Demmel & Veselic 1992), so
//     |w_i - lambda_i| / lambda_i <= 32 S n u kappa(H).
// - Tridiagonal: step k applies an exactly orthogonal H_k to A + dA_k where dA_k comes from
//   q = tau A22 v (4-way serial dot products of length <= n: (n/4 + 2) u, tau |v|^2 = 2) and the
//   rank-2 update (<= 6u): ||dA_k||_F <= (n/4 + 8) u ||A||_F; the n - 2 steps add up. Bisection
//   adds the Sturm count's backward error (a few ulps of ||T||) and the final interval (2 ulps):
//   8u ||T|| <= 8u ||A||_F. So |w_i - lambda_i| <= (n (n/4 + 8) + 8) u ||A||_F.
//   Vectors: inverse iteration leaves a residual ||(T - w) z|| <= ~10 u ||T|| per vector
//   (pivoted tridiagonal LU, three solves, shift perturbation 10 u ||T||), the back-
//   transformation applies n - 2 reflectors, each backward stable with (n/2 + 4) u (two-way
//   dot products of length <= n and one update), so
//     ||A V - V L||_F / ||A||_F <= (n (n/4 + 8) + n (n/2 + 4) + 10 sqrt(n)) u.
//   Orthogonality: vectors of different clusters (gap > 1e-3 ||T||) are orthogonal to
//   2 * 10 u ||T|| / (1e-3 ||T||) = 2e4 u; inside a cluster Gram-Schmidt leaves n u each;
//   the back-transformation adds 2 n (n/2 + 4) u: max |V^T V - I| <= (2e4 + n + n (n + 8)) u.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import { U32 } from '../helpers/tolerance.js';
import {
  eighRef, laplacian, ringEdges, completeEdges, starEdges, torusEdges, ringSpectrum, completeSpectrum, starSpectrum, torusSpectrum,
} from '../reference/eigen.js';
import { eigh, ShapeError, ValueError, DTypeError, type Tensor } from '../../src/index.js';

const engine = useEngine();
const u = U32;

function randomSymmetric(n: number, seed: number): Float32Array {
  const r = randomF32(n * n, seed);
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r[i * n + j]!;
  return a;
}

function frob(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

/** ||A V - V diag(w)||_F / ||A||_F and max |V^T V - I| in float64 from the float32 results. */
function residuals(a: Float32Array, w: Float32Array, v: Float32Array, n: number, off = 0): { res: number; orth: number } {
  let r2 = 0;
  let orth = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let av = 0;
      let vv = 0;
      for (let k = 0; k < n; k++) {
        av += a[off + i * n + k]! * v[off + k * n + j]!;
        vv += v[off + k * n + i]! * v[off + k * n + j]!;
      }
      const d = av - v[off + i * n + j]! * w[(off / n) + j]!;
      r2 += d * d;
      orth = Math.max(orth, Math.abs(vv - (i === j ? 1 : 0)));
    }
  }
  return { res: Math.sqrt(r2) / Math.max(frob(a.subarray(off, off + n * n)), 1e-300), orth };
}

async function take(t: Tensor | undefined): Promise<Float32Array> {
  const r = (await t!.read()) as Float32Array;
  t!.dispose();
  return r;
}

const triResBound = (n: number) => (n * (n / 4 + 8) + n * (n / 2 + 4) + 10 * Math.sqrt(n)) * u;
const triOrthBound = (n: number) => (2e4 + n + n * (n + 8)) * u;
const triValBound = (n: number, nf: number) => (n * (n / 4 + 8) + 8) * u * nf;

describe('eigh: random symmetric matrices with vectors', () => {
  for (const method of ['jacobi', 'tridiagonal'] as const) {
    for (const n of [1, 2, 7, 64, 257]) {
      it(`${method} n=${n}`, async () => {
        const e = engine();
        const ad = randomSymmetric(n, 100 + n);
        const a = e.tensor(ad, [n, n]);
        const r = await eigh(a, { vectors: true, method });
        a.dispose();
        expect(r.method).toBe(n === 1 ? 'jacobi' : method);
        expect(r.values.shape).toEqual([n]);
        expect(r.vectors!.shape).toEqual([n, n]);
        const w = await take(r.values);
        const v = await take(r.vectors);
        const S = r.sweeps;
        const { res, orth } = residuals(ad, w, v, n);
        const jac = r.method === 'jacobi';
        expect(res).toBeLessThanOrEqual(jac ? 48 * S * n * u : triResBound(n));
        expect(orth).toBeLessThanOrEqual(jac ? 32 * S * n * u : triOrthBound(n));
        const ref = eighRef(ad, n);
        const bound = jac ? 32 * S * n * u * frob(ad) : triValBound(n, frob(ad));
        for (let i = 0; i < n; i++) {
          if (i > 0) expect(w[i]!).toBeGreaterThanOrEqual(w[i - 1]!);
          expect(Math.abs(w[i]! - ref.values[i]!)).toBeLessThanOrEqual(bound);
        }
      });
    }
  }

  for (const method of ['jacobi', 'tridiagonal'] as const) {
    it(`${method}: batched [3, 7, 7] and [2, 64, 64] match each matrix alone`, async () => {
      const e = engine();
      for (const [b, n] of [[3, 7], [2, 64]] as const) {
        const ad = new Float32Array(b * n * n);
        for (let k = 0; k < b; k++) ad.set(randomSymmetric(n, 7 * k + n), k * n * n);
        ad[0] = 1e3; // matrices of very different scales in one batch
        const a = e.tensor(ad, [b, n, n]);
        const r = await eigh(a, { vectors: true, method });
        a.dispose();
        expect(r.values.shape).toEqual([b, n]);
        expect(r.vectors!.shape).toEqual([b, n, n]);
        const w = await take(r.values);
        const v = await take(r.vectors);
        for (let k = 0; k < b; k++) {
          const m = ad.subarray(k * n * n, (k + 1) * n * n);
          const { res, orth } = residuals(ad, w, v, n, k * n * n);
          const jac = method === 'jacobi';
          expect(res).toBeLessThanOrEqual(jac ? 48 * r.sweeps * n * u : triResBound(n));
          expect(orth).toBeLessThanOrEqual(jac ? 32 * r.sweeps * n * u : triOrthBound(n));
          const ref = eighRef(m, n);
          const bound = jac ? 32 * r.sweeps * n * u * frob(m) : triValBound(n, frob(m));
          for (let i = 0; i < n; i++) expect(Math.abs(w[k * n + i]! - ref.values[i]!)).toBeLessThanOrEqual(bound);
        }
      }
    });
  }

  it('auto picks Jacobi up to n = 32 and tridiagonal above', async () => {
    const e = engine();
    for (const n of [32, 33]) {
      const a = e.tensor(randomSymmetric(n, n), [n, n]);
      const r = await eigh(a);
      a.dispose();
      r.values.dispose();
      expect(r.method).toBe(n <= 32 ? 'jacobi' : 'tridiagonal');
    }
  });
});

describe('eigh: relative accuracy (Jacobi)', () => {
  it('graded positive definite D H D: small eigenvalues to high relative accuracy', async () => {
    const e = engine();
    const n = 64;
    // H = I + 0.5 R / ||R||_F (so ||H - I||_2 <= 0.5, kappa(H) <= 3), D_i from 1 down to 1e-3:
    // eigenvalues span 1 .. ~1e-6, far below u ||A|| ~ 6e-8 ... 1e-7 where absolute bounds stop.
    const R = randomSymmetric(n, 5);
    const rn = frob(R);
    const ad = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const h = (i === j ? 1 : 0) + (0.5 * R[i * n + j]!) / rn;
        ad[i * n + j] = 10 ** (-3 * i / (n - 1)) * h * 10 ** (-3 * j / (n - 1));
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) ad[i * n + j] = ad[j * n + i]!;
    const a = e.tensor(ad, [n, n]);
    const r = await eigh(a, { method: 'jacobi' });
    a.dispose();
    const w = await take(r.values);
    const ref = eighRef(ad, n);
    expect(ref.values[0]!).toBeLessThan(1e-5);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(w[i]! - ref.values[i]!) / ref.values[i]!).toBeLessThanOrEqual(32 * r.sweeps * n * u * 3);
    }
  });
});

describe('eigh: Laplacians of known spectrum', () => {
  const graphs: [string, (n: number) => [number, Float32Array, number[]] | null][] = [
    ['complete K_n', (n) => [n, laplacian(n, completeEdges(n)), completeSpectrum(n)]],
    ['ring C_n', (n) => [n, laplacian(n, ringEdges(n)), ringSpectrum(n)]],
    ['star', (n) => [n, laplacian(n, starEdges(n)), starSpectrum(n)]],
    ['2-D torus', (n) => {
      const side = Math.round(Math.sqrt(n));
      if (side < 3) return null;
      return [side * side, laplacian(side * side, torusEdges(side)), torusSpectrum(side)];
    }],
  ];
  for (const n of [1, 2, 7, 64, 257]) {
    for (const [name, make] of graphs) {
      const g = make(n);
      if (!g) continue;
      const [size, L, exact] = g;
      for (const method of ['jacobi', 'tridiagonal'] as const) {
        if (method === 'tridiagonal' && size <= 2) continue; // uses Jacobi there
        it(`${name} n=${size} ${method}`, async () => {
          const e = engine();
          const a = e.tensor(L, [size, size]);
          const r = await eigh(a, { method });
          a.dispose();
          expect(r.method).toBe(method);
          const w = await take(r.values);
          const nf = frob(L);
          const bound = method === 'jacobi' ? 32 * r.sweeps * size * u * nf : triValBound(size, nf);
          for (let i = 0; i < size; i++) expect(Math.abs(w[i]! - exact[i]!)).toBeLessThanOrEqual(bound);
        });
      }
    }
  }

  it('ring of 1000 nodes: smallest nonzero eigenvalue 2 - 2 cos(2 pi / 1000) to 1%', async () => {
    const e = engine();
    const n = 1000;
    const a = e.tensor(laplacian(n, ringEdges(n)), [n, n]);
    const r = await eigh(a); // auto: tridiagonal + bisection above 256
    a.dispose();
    expect(r.method).toBe('tridiagonal');
    const w = await take(r.values);
    const l2 = 2 - 2 * Math.cos((2 * Math.PI) / n); // 3.9478e-5, doubly degenerate
    expect(Math.abs(w[1]! - l2) / l2).toBeLessThan(0.01);
    expect(Math.abs(w[2]! - l2) / l2).toBeLessThan(0.01);
    expect(Math.abs(w[0]!)).toBeLessThan(l2 / 100);
  });
});

describe('eigh: errors', () => {
  it('rejects NaN and Inf entries, non-square and bad rank, asymmetry, non-f32', async () => {
    const e = engine();
    const nan = e.tensor([1, NaN, NaN, 1], [2, 2]);
    await expect(eigh(nan)).rejects.toThrow(ValueError);
    await expect(eigh(nan)).rejects.toThrow(/eigh: input \[2, 2\] holds 2 NaN or infinite/);
    nan.dispose();
    const inf = e.tensor(new Float32Array([0, 0, 0, 0, 0, 0, 0, 0, Infinity]), [1, 3, 3]);
    await expect(eigh(inf, { method: 'tridiagonal' })).rejects.toThrow(ValueError);
    inf.dispose();
    const rect = e.tensor(new Float32Array(6), [2, 3]);
    await expect(eigh(rect)).rejects.toThrow(ShapeError);
    await expect(eigh(rect)).rejects.toThrow(/eigh: matrix must be square, got \[2, 3\]/);
    rect.dispose();
    const r4 = e.tensor(new Float32Array(16), [2, 2, 2, 2]);
    await expect(eigh(r4)).rejects.toThrow(/eigh: expected a square matrix \[n, n\] or a batch \[b, n, n\], got \[2, 2, 2, 2\]/);
    r4.dispose();
    const asym = e.tensor([1, 2, 0, 1], [2, 2]);
    await expect(eigh(asym)).rejects.toThrow(/eigh: input \[2, 2\] is not symmetric/);
    asym.dispose();
    const ints = e.tensor(new Int32Array(4), [2, 2]);
    await expect(eigh(ints)).rejects.toThrow(DTypeError);
    ints.dispose();
  });
});
