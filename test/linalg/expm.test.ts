// expm against a float64 Pade-13 reference (test/reference/expm.ts), with an error bound
// derived for each case from float32 rounding, never fitted.
//
// Bound (1-norm, u = 2^-24, all norms are 1-norms; F^ = computed, E = exact):
// 1. Scaling: X = fl(sigma 2^-s A) has ||X^ - X|| <= u ||X||.
// 2. Truncation: theta_m is chosen so that T_m(X) = exp(X + dX) with ||dX|| <= u ||X||, hence
//    ||T_m(X) - e^X|| <= u ||X|| e^(||X|| (1 + u)).
// 3. Evaluation: a running bound through the program's steps (the same program the op runs),
//    with a majorant M and an error bound D per register:
//      product Z = XY (f32 FMA chain over n terms: ||fl(XY) - XY|| <= n u ||X|| ||Y||):
//        M_Z = M_X M_Y,  D_Z = M_X D_Y + D_X M_Y + D_X D_Y + n u (M_X + D_X)(M_Y + D_Y);
//      combination Z = c0 I + sum c_k X_k (lincomb.wgsl: k + 1 roundings):
//        M_Z = |c0| + sum |c_k| M_k,  D_Z = sum |c_k| D_k + (k + 1) u M_Z.
// 4. Squaring s times, with the exact E_j = exp(X)^(2^j) from the float64 reference:
//      D_{j+1} = 2 ||E_j|| D_j + D_j^2 + n u (||E_j|| + D_j)^2.
// The test checks ||F^ - E||_1 / ||E||_1 <= D_s / ||E_s||_1. For normal A this is about
// (products + squarings) n u ||A||_1 (the condition factor of exp); for non-normal A the
// norms of the intermediate squares enter through ||E_j||.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32, rng } from '../helpers/random.js';
import { U32 } from '../helpers/tolerance.js';
import { expmRef, matmul64, norm1 } from '../reference/expm.js';
import { laplacian } from '../reference/eigen.js';
import { expm, expmPlan, taylorProgram, runTaylorProgram, EXPM_DEGREES, ShapeError, ValueError, type Tensor } from '../../src/index.js';

const engine = useEngine();
const u = U32;

/** The derived bound on ||F^ - exp(sigma A)||_1 / ||exp(sigma A)||_1 for one matrix, and the reference. */
async function boundAndRef(a: Float32Array, n: number, sigma: number, planNorm: number): Promise<{ ref: Float64Array; rel: number }> {
  const plan = expmPlan(planNorm);
  const X = Float64Array.from(a, (x) => x * sigma * 2 ** -plan.s);
  const nx = norm1(X, n);
  type MD = { m: number; d: number };
  const trunc = u * nx * Math.exp(nx * (1 + u));
  // Register 'A' carries the scaling error; truncation is added at the end.
  const p = await runTaylorProgram<MD>(taylorProgram(plan.degree), { m: nx, d: u * nx }, {
    mul: (x, y) => ({ m: x.m * y.m, d: x.m * y.d + x.d * y.m + x.d * y.d + n * u * (x.m + x.d) * (y.m + y.d) }),
    comb: (id, terms) => {
      const m = Math.abs(id) + terms.reduce((s, [c, t]) => s + Math.abs(c) * t.m, 0);
      const d = terms.reduce((s, [c, t]) => s + Math.abs(c) * t.d, 0) + (terms.length + 1) * u * m;
      return { m, d };
    },
  });
  let d = p.d + trunc;
  let E = expmRef(X, n);
  for (let j = 0; j < plan.s; j++) {
    const ne = norm1(E, n);
    d = 2 * ne * d + d * d + n * u * (ne + d) ** 2;
    E = matmul64(E, E, n);
  }
  return { ref: E, rel: d / norm1(E, n) };
}

async function check(got: Float32Array, a: Float32Array, n: number, sigma: number, planNorm: number, off = 0) {
  const { ref, rel } = await boundAndRef(a, n, sigma, planNorm);
  const diff = Float64Array.from(ref, (x, i) => got[off + i]! - x);
  const err = norm1(diff, n) / norm1(ref, n);
  expect(Number.isFinite(err)).toBe(true);
  expect(err).toBeLessThanOrEqual(rel);
  return { err, rel };
}

async function take(t: Tensor): Promise<Float32Array> {
  const r = (await t.read()) as Float32Array;
  t.dispose();
  return r;
}

/**
 * A random general matrix of 1-norm ~`norm`. With `bounded`, A = norm K + N: K random
 * skew-symmetric (||K||_1 = 1), N random strictly upper triangular (||N||_1 = 1), so A is
 * non-normal yet ||exp(A)||_2 <= e^||(N + N^T)/2||_2 <= e: large norms neither overflow nor
 * underflow float32, and the squarings are exercised for real.
 */
function randomMatrix(n: number, seed: number, norm: number, bounded: boolean): Float32Array {
  const r = randomF32(n * n, seed);
  if (!bounded) {
    const nm = norm1(r, n);
    return Float32Array.from(r, (x) => (x * norm) / nm);
  }
  const K = new Float64Array(n * n);
  const N = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      K[i * n + j] = r[i * n + j]!;
      K[j * n + i] = -r[i * n + j]!;
      N[i * n + j] = r[j * n + i]!;
    }
  }
  const nk = norm1(K, n) || 1;
  const nn = norm1(N, n) || 1;
  return Float32Array.from(K, (k, i) => (norm * k) / nk + N[i]! / nn);
}

describe('expm: the Taylor programs', () => {
  it('match the Taylor series of exp up to their degree (power-series algebra in float64)', async () => {
    const L = 24;
    for (const m of EXPM_DEGREES) {
      const x = new Array<number>(L).fill(0);
      x[1] = 1;
      const res = await runTaylorProgram<number[]>(taylorProgram(m), x, {
        mul: (p, q) => {
          const o = new Array<number>(L).fill(0);
          for (let i = 0; i < L; i++) for (let j = 0; i + j < L; j++) o[i + j]! += p[i]! * q[j]!;
          return o;
        },
        comb: (id, terms) => {
          const o = new Array<number>(L).fill(0);
          o[0] = id;
          for (const [c, t] of terms) for (let i = 0; i < L; i++) o[i]! += c * t[i]!;
          return o;
        },
      });
      let fact = 1;
      for (let k = 0; k <= m; k++) {
        if (k > 0) fact *= k;
        // float64 coefficients given to ~30 digits: agreement to a few float64 ulps
        expect(Math.abs(res[k]! * fact - 1)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('expm: random general matrices', () => {
  const cases: [number, number, boolean][] = [];
  for (const n of [1, 2, 7, 64]) for (const nrm of [1e-3, 0.1, 1, 10, 1e3]) {
      // n = 1 has no bounded construction: e^{+-1000} is outside float32, so stop at 10
      if (n > 1 || nrm <= 10) cases.push([n, nrm, nrm > 1 && n > 1]);
    }
  cases.push([257, 0.5, false], [257, 30, true]);
  for (const [n, nrm, stable] of cases) {
    it(`n=${n} ||A||_1=${nrm}`, async () => {
      const e = engine();
      const ad = randomMatrix(n, 11 * n + Math.round(Math.log10(nrm) * 3), nrm, stable);
      const a = e.tensor(ad, [n, n]);
      const got = await take(await expm(a));
      a.dispose();
      await check(got, ad, n, 1, norm1(ad, n));
    });
  }

  it('batched [3, 7, 7] shares one plan', async () => {
    const e = engine();
    const n = 7;
    const mats = [randomMatrix(n, 1, 0.01, false), randomMatrix(n, 2, 2, false), randomMatrix(n, 3, 40, true)];
    const ad = new Float32Array(3 * n * n);
    mats.forEach((m, k) => ad.set(m, k * n * n));
    const a = e.tensor(ad, [3, n, n]);
    const out = await expm(a);
    a.dispose();
    expect(out.shape).toEqual([3, n, n]);
    const got = await take(out);
    const planNorm = Math.max(...mats.map((m) => norm1(m, n)));
    for (let k = 0; k < 3; k++) await check(got, mats[k]!, n, 1, planNorm, k * n * n);
  });
});

describe('expm: structured matrices', () => {
  for (const n of [2, 7, 64]) {
    it(`nilpotent strictly upper triangular n=${n}`, async () => {
      const e = engine();
      const r = randomF32(n * n, 40 + n);
      const ad = Float32Array.from(r, (x, i) => (i % n > Math.floor(i / n) ? x : 0));
      const a = e.tensor(ad, [n, n]);
      const got = await take(await expm(a));
      a.dispose();
      await check(got, ad, n, 1, norm1(ad, n));
    });
    it(`defective Jordan block (lambda = -1, ones above) n=${n}`, async () => {
      const e = engine();
      const ad = new Float32Array(n * n);
      for (let i = 0; i < n; i++) {
        ad[i * n + i] = -1;
        if (i + 1 < n) ad[i * n + i + 1] = 1;
      }
      const a = e.tensor(ad, [n, n]);
      const got = await take(await expm(a));
      a.dispose();
      const { err } = await check(got, ad, n, 1, norm1(ad, n));
      // and the closed form exp(J)_ij = e^-1 / (j - i)!
      let fact = 1;
      for (let k = 0; k < Math.min(n, 10); k++) {
        if (k > 0) fact *= k;
        expect(Math.abs(got[k]! - Math.exp(-1) / fact)).toBeLessThanOrEqual(err * 2 + 4 * u);
      }
    });
  }
});

describe('expm: heat kernels exp(-tau L) of random graphs', () => {
  for (const n of [7, 64, 257]) {
    it(`Erdos-Renyi n=${n} on a log grid of taus`, async () => {
      const e = engine();
      const r = rng(900 + n);
      const p = Math.min(1, 6 / n);
      const edges: [number, number][] = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (r() < p) edges.push([i, j]);
      const L = laplacian(n, edges);
      // octaves (reuse of squarings), a non-octave value and tau = 0
      const taus = n === 257 ? [0.5, 1, 2, 8, 3] : [0, 0.01, 0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 3, 100];
      const a = e.tensor(L, [n, n]);
      const out = await expm(a, { taus });
      a.dispose();
      expect(out.shape).toEqual([taus.length, n, n]);
      const got = await take(out);
      const nl = norm1(L, n);
      for (let t = 0; t < taus.length; t++) await check(got, L, n, -taus[t]!, taus[t]! * nl, t * n * n);
    });
  }
});

describe('expm: octaves of tau share squarings', () => {
  it('taus [1, 2, 4] on ||A||_1 = 4 cost 6 + 1 + 1 products instead of 6 + 7 + 8', async () => {
    const e = engine();
    const n = 7;
    const ad = randomMatrix(n, 77, 4, false);
    const a = e.tensor(ad, [n, n]);
    const taus = [4, 1, 2]; // any order
    const { result: out, profile } = await e.profile(() => expm(a, { taus }));
    a.dispose();
    const products = profile.kernels.filter((k) => k.name.startsWith('matmul')).reduce((s, k) => s + k.count, 0);
    expect(expmPlan(4)).toEqual({ degree: 18, s: 1 });
    expect(products).toBe(8);
    const got = await take(out);
    for (let t = 0; t < taus.length; t++) await check(got, ad, n, -taus[t]!, taus[t]! * norm1(ad, n), t * n * n);
  });
});

describe('expm: errors', () => {
  it('NaN/Inf -> ValueError, non-square -> ShapeError, bad taus -> ValueError', async () => {
    const e = engine();
    const nan = e.tensor([0, NaN, 0, 0], [2, 2]);
    await expect(expm(nan)).rejects.toThrow(ValueError);
    await expect(expm(nan)).rejects.toThrow(/expm: input \[2, 2\] holds 1 NaN or infinite entries/);
    nan.dispose();
    const inf = e.tensor(new Float32Array([0, 0, 0, -Infinity, 0, 0, 0, 0]), [2, 2, 2]);
    await expect(expm(inf)).rejects.toThrow(/expm: .*\(matrix 0 of the batch\)/);
    inf.dispose();
    const rect = e.tensor(new Float32Array(6), [3, 2]);
    await expect(expm(rect)).rejects.toThrow(ShapeError);
    await expect(expm(rect)).rejects.toThrow(/expm: matrix must be square, got \[3, 2\]/);
    rect.dispose();
    const ok = e.tensor([0, 1, 0, 0], [2, 2]);
    await expect(expm(ok, { taus: [1, NaN] })).rejects.toThrow(/expm: taus\[1\] = NaN is not a finite number/);
    await expect(expm(ok, { taus: [] })).rejects.toThrow(ValueError);
    ok.dispose();
  });
});
