import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32, rng } from '../helpers/random.js';
import { U32, firstMismatch, sumBound } from '../helpers/tolerance.js';
import {
  ttSvd, ttToDense, ttInner, ttNorm, ttSum, ttMarginal, ttNormalize, ttLeftCanonical, ttRightCanonical, ttMergeSites, ttRound,
  ttContractVectors, svdTruncated, TensorTrain, ShapeError, ValueError, type Tensor,
} from '../../src/index.js';

const engine = useEngine();

const prod = (a: number[]) => a.reduce((x, y) => x * y, 1);
const fro = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
const diffNorm = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));

/** A tensor with decaying TT structure: sum of `terms` rank-1 products with weights 2^-t, plus noise. */
function structured(dims: number[], terms: number, noise: number, seed: number): Float32Array {
  const r = rng(seed);
  const n = prod(dims);
  const out = new Float64Array(n);
  for (let t = 0; t < terms; t++) {
    const vs = dims.map((d) => Array.from({ length: d }, () => r() * 2 - 1));
    const w = 2 ** -t;
    for (let i = 0; i < n; i++) {
      let rem = i;
      let p = w;
      for (let k = dims.length - 1; k >= 0; k--) {
        p *= vs[k]![rem % dims[k]!]!;
        rem = Math.floor(rem / dims[k]!);
      }
      out[i] += p;
    }
  }
  for (let i = 0; i < n; i++) out[i] += noise * (r() * 2 - 1);
  return Float32Array.from(out);
}

/** Host float64 dense tensor of a train (read back its cores). */
async function hostDense(tt: TensorTrain): Promise<Float64Array> {
  const cores = await Promise.all(tt.cores.map((c) => c.read()));
  let acc = Float64Array.from([1]);
  let rows = 1;
  for (let k = 0; k < tt.sites; k++) {
    const [r0, n, r1] = tt.cores[k]!.shape as [number, number, number];
    const next = new Float64Array(rows * n * r1);
    for (let p = 0; p < rows; p++)
      for (let a = 0; a < r0; a++) {
        const x = acc[p * r0 + a]!;
        if (x === 0) continue;
        for (let i = 0; i < n; i++) for (let b = 0; b < r1; b++) next[(p * n + i) * r1 + b] += x * cores[k]![(a * n + i) * r1 + b]!;
      }
    acc = next;
    rows *= n;
  }
  return acc;
}

// Rounding of the dense reconstruction itself: a product chain of d cores with bond sums of
// length r_k, so each element carries about (sum_k r_k + d) * u * (|G1| |G2| ... )(i); the
// cores of an SVD are bounded by the singular values, so we use (sum_k r_k + d) * u * |A|_F
// in Frobenius norm.
function reconRounding(tt: TensorTrain, normA: number): number {
  return (tt.ranks.reduce((s, r) => s + r, 0) + tt.sites) * U32 * normA * Math.sqrt(prod(tt.dims));
}

async function readDispose(t: Tensor) {
  const r = await t.read();
  t.dispose();
  return r;
}

describe('jacobi SVD', () => {
  for (const [m, n] of [[1, 1], [5, 3], [3, 5], [17, 17], [40, 7], [6, 31]] as [number, number][]) {
    it(`${m}x${n}: U S V^T = A, singular values descending, U and V orthonormal`, async () => {
      const e = engine();
      const a = randomF32(m * n, m * 100 + n);
      const t = e.tensor(a, [m, n]);
      const res = await svdTruncated(e, t, m, n, { off: 0, rs: n, cs: 1 }, { absorb: 'right' });
      const u = await readDispose(res.u);
      const svt = await readDispose(res.vt);
      t.dispose();
      const r = res.rank;
      const rec = new Float64Array(m * n);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let q = 0; q < r; q++) rec[i * n + j] += u[i * r + q]! * svt[q * n + j]!;
      expect(diffNorm(rec, a)).toBeLessThanOrEqual((res.roundingBound + r * U32) * fro(a));
      for (let q = 1; q < r; q++) expect(res.sigma[q]!).toBeLessThanOrEqual(res.sigma[q - 1]!);
      // U^T U = I to the convergence tolerance of the sweeps (max(L 2^-23, 2^-20)) plus rounding
      const tol = Math.max(Math.max(m, n) * 2 ** -23, 2 ** -20) * 4 + res.roundingBound;
      for (let p = 0; p < r; p++)
        for (let q = 0; q < r; q++) {
          let s = 0;
          for (let i = 0; i < m; i++) s += u[i * r + p]! * u[i * r + q]!;
          expect(Math.abs(s - (p === q ? 1 : 0))).toBeLessThanOrEqual(tol);
        }
      expect(res.sweeps).toBeLessThan(40);
    });
  }
});

describe('TT-SVD', () => {
  const dims = [3, 4, 5, 2, 3];
  const a = structured(dims, 6, 1e-4, 11);
  const normA = fro(a);
  for (const eps of [0.3, 0.05, 1e-2, 1e-3]) {
    it(`eps = ${eps}: |A - TT|_F <= eps |A|_F (+ rounding), ranks shrink with eps`, async () => {
      const e = engine();
      const x = e.tensor(a, [prod(dims)]);
      const { tt, error, roundingBound } = await ttSvd(x, dims, { eps });
      x.dispose();
      const dense = await readDispose(await ttToDense(tt));
      const err = diffNorm(dense, a);
      console.log(`TT-SVD eps=${eps}: ranks ${tt.ranks.join(',')}, |A-TT|/|A| = ${(err / normA).toExponential(2)}`);
      expect(err).toBeLessThanOrEqual(eps * normA + roundingBound * normA + reconRounding(tt, normA));
      // the reported truncation error is the Frobenius error of the truncation itself
      expect(error).toBeLessThanOrEqual(eps * normA * (1 + 1e-6));
      if (eps >= 0.05) expect(Math.max(...tt.ranks)).toBeLessThan(12);
      tt.dispose();
    });
  }

  it('is exact up to rounding at full rank (eps = 0), random tensor', async () => {
    const e = engine();
    const d2 = [2, 3, 4, 5];
    const b = randomF32(prod(d2), 5);
    const x = e.tensor(b, d2);
    const { tt, roundingBound } = await ttSvd(x, undefined, { eps: 0 });
    x.dispose();
    expect(tt.ranks).toEqual([1, 2, 6, 5, 1]);
    const dense = await ttToDense(tt);
    expect(dense.shape).toEqual(d2);
    const got = await readDispose(dense);
    console.log(`TT-SVD eps=0: |A-TT|/|A| = ${(diffNorm(got, b) / fro(b)).toExponential(2)}, bound ${(roundingBound + reconRounding(tt, fro(b)) / fro(b)).toExponential(2)}`);
    expect(diffNorm(got, b)).toBeLessThanOrEqual(roundingBound * fro(b) + reconRounding(tt, fro(b)));
    tt.dispose();
  });

  it('maxRank caps the bonds and the discarded weight matches the error', async () => {
    const e = engine();
    const x = e.tensor(a, [prod(dims)]);
    const { tt, discardedWeight, roundingBound } = await ttSvd(x, dims, { eps: 0, maxRank: 2 });
    x.dispose();
    expect(Math.max(...tt.ranks)).toBeLessThanOrEqual(2);
    const err = diffNorm(await readDispose(await ttToDense(tt)), a);
    // TT-SVD: |A - TT|_F^2 <= sum of the discarded weights (Oseledets Thm 2.2)
    expect(err).toBeLessThanOrEqual(Math.sqrt(discardedWeight) + roundingBound * normA + reconRounding(tt, normA));
    expect(discardedWeight).toBeGreaterThan(0);
    tt.dispose();
  });
});

describe('TT operations', () => {
  const dims = [2, 3, 4, 3];
  const a = randomF32(prod(dims), 21);

  async function build() {
    const e = engine();
    const x = e.tensor(a, dims);
    const { tt } = await ttSvd(x, undefined, { eps: 0 });
    x.dispose();
    return { e, tt, ref: await hostDense(tt) };
  }

  it('contracts with vectors, inner products, norm and sum', async () => {
    const { e, tt, ref } = await build();
    const vs = dims.map((d, k) => randomF32(d, 50 + k));
    const vt = vs.map((v) => e.tensor(v));
    const got = await readDispose(await ttContractVectors(tt, vt));
    let want = 0, abs = 0;
    for (let i = 0; i < ref.length; i++) {
      let rem = i, p = ref[i]!;
      for (let k = dims.length - 1; k >= 0; k--) {
        p *= vs[k]![rem % dims[k]!]!;
        rem = Math.floor(rem / dims[k]!);
      }
      want += p;
      abs += Math.abs(p) * 1;
    }
    // chain of d contractions, each summing r_k * n_k terms: depth sum_k (r_k n_k + 2)
    const depth = tt.ranks.reduce((s, r, k) => s + r * (dims[k] ?? 1) + 2, 0);
    // the cores' magnitudes can exceed the dense values (cancellation): bound with |cores| chain
    const absCores = await hostAbsChain(tt, vs);
    expect(Math.abs(got[0]! - want)).toBeLessThanOrEqual(sumBound(Math.max(abs, absCores), depth));
    const n2 = ref.reduce((s, v) => s + v * v, 0);
    const inner = await readDispose(await ttInner(tt, tt));
    const ttDepth = tt.ranks.reduce((s, r, k) => s + r * r * (dims[k] ?? 1) + 2, 0);
    expect(Math.abs(inner[0]! - n2)).toBeLessThanOrEqual(sumBound(await hostAbsInner(tt), ttDepth));
    const norm = await readDispose(await ttNorm(tt));
    expect(Math.abs(norm[0]! - Math.sqrt(n2))).toBeLessThanOrEqual(sumBound(await hostAbsInner(tt), ttDepth) / Math.sqrt(n2) + 2 * U32 * Math.sqrt(n2));
    const total = await readDispose(await ttSum(tt));
    const ones = dims.map((d) => new Float32Array(d).fill(1));
    expect(Math.abs(total[0]! - ref.reduce((s, v) => s + v, 0))).toBeLessThanOrEqual(sumBound(await hostAbsChain(tt, ones), depth));
    vt.forEach((t) => t.dispose());
    tt.dispose();
  });

  it('marginals equal dense sums', async () => {
    const { tt, ref } = await build();
    for (const keep of [[0], [1, 3], [0, 2, 3], [2]]) {
      const m = await ttMarginal(tt, keep);
      expect(m.dims).toEqual(keep.map((k) => dims[k]));
      const got = await readDispose(await ttToDense(m));
      const want = new Float64Array(got.length);
      const absW = new Float64Array(got.length);
      const absRef = await hostAbsDense(tt);
      for (let i = 0; i < ref.length; i++) {
        let rem = i;
        const idx: number[] = [];
        for (let k = dims.length - 1; k >= 0; k--) {
          idx[k] = rem % dims[k]!;
          rem = Math.floor(rem / dims[k]!);
        }
        let o = 0;
        for (const k of keep) o = o * dims[k]! + idx[k]!;
        want[o] += ref[i]!;
        absW[o] += absRef[i]!;
      }
      // summed sites add their lengths to the depth of every product chain
      const depth = tt.ranks.reduce((s, r, k) => s + r * (dims[k] ?? 1) + 3, 0);
      expect(firstMismatch(got, want, (i) => sumBound(absW[i]!, depth))).toBeNull();
      m.dispose();
    }
    tt.dispose();
  });

  it('normalises to unit norm and to unit sum', async () => {
    const { tt, ref } = await build();
    const l2 = await ttNormalize(tt, 'l2');
    const n = await readDispose(await ttNorm(l2));
    // relative: the chain's rounding (sum of bond sums) plus the division
    const rel = tt.ranks.reduce((s, r, k) => s + r * r * (dims[k] ?? 1) + 2, 0) * U32 * (await hostAbsInner(tt)) / ref.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(n[0]! - 1)).toBeLessThanOrEqual(rel + 4 * U32);
    l2.dispose();
    const s1 = await ttNormalize(tt, 'sum');
    const total = await readDispose(await ttSum(s1));
    const sumRef = ref.reduce((s, v) => s + v, 0);
    const relS = 2 * tt.ranks.reduce((s, r, k) => s + r * (dims[k] ?? 1) + 2, 0) * U32 * (await hostAbsChain(tt, dims.map((d) => new Float32Array(d).fill(1)))) / Math.abs(sumRef);
    expect(Math.abs(total[0]! - 1)).toBeLessThanOrEqual(relS + 4 * U32);
    s1.dispose();
    tt.dispose();
  });

  it('left and right canonical forms are orthonormal and represent the same tensor', async () => {
    const { tt, ref } = await build();
    const normA = fro(ref);
    for (const [which, form] of [['left', await ttLeftCanonical(tt)], ['right', await ttRightCanonical(tt)]] as const) {
      const cores = await Promise.all(form.cores.map((c) => c.read()));
      const tolOrth = 8 * Math.max(2 ** -20, 24 * 2 ** -23) + 1e-6;
      const range = which === 'left' ? [0, form.sites - 1] : [1, form.sites];
      for (let k = range[0]!; k < range[1]!; k++) {
        const [r0, n, r1] = form.cores[k]!.shape as [number, number, number];
        const g = cores[k]!;
        const q = which === 'left' ? r1 : r0;
        for (let x = 0; x < q; x++)
          for (let y = 0; y < q; y++) {
            let s = 0;
            if (which === 'left') for (let a = 0; a < r0; a++) for (let i = 0; i < n; i++) s += g[(a * n + i) * r1 + x]! * g[(a * n + i) * r1 + y]!;
            else for (let i = 0; i < n; i++) for (let b = 0; b < r1; b++) s += g[(x * n + i) * r1 + b]! * g[(y * n + i) * r1 + b]!;
            expect(Math.abs(s - (x === y ? 1 : 0)), `${which} core ${k}`).toBeLessThanOrEqual(tolOrth);
          }
      }
      const dense = await readDispose(await ttToDense(form));
      // each SVD step: (6 sweeps c + L) u |A| with at most 40 sweeps of c <= 12 columns; d - 1 steps
      const bound = (form.sites - 1) * (6 * 40 * 12 + 24) * U32 * normA + reconRounding(form, normA);
      expect(diffNorm(dense, ref)).toBeLessThanOrEqual(bound);
      form.dispose();
    }
    tt.dispose();
  });

  it('merging sites then reconstructing equals the dense reshape; rounding reports the discarded weight', async () => {
    const { tt, ref } = await build();
    const normA = fro(ref);
    const { tt: merged, discardedWeight } = await ttMergeSites(tt, 1);
    expect(merged.dims).toEqual([2, 12, 3]);
    expect(discardedWeight).toBe(0);
    const dense = await ttToDense(merged);
    expect(dense.shape).toEqual([2, 12, 3]);
    const got = await readDispose(dense);
    expect(diffNorm(got, ref)).toBeLessThanOrEqual(2 * reconRounding(tt, normA));
    merged.dispose();
    const cut = await ttMergeSites(tt, 2, { maxRank: 2 });
    expect(cut.tt.dims).toEqual([2, 3, 12]);
    expect(Math.max(...cut.tt.ranks)).toBeLessThanOrEqual(2);
    const cutDense = await readDispose(await ttToDense(cut.tt));
    // rounding after left-orthogonalisation: |A - A_r|_F^2 = discarded weight (Schmidt values)
    const err = diffNorm(cutDense, ref);
    const slack = (cut.roundingBound + 3 * (6 * 40 * 12 + 24) * U32) * normA + reconRounding(cut.tt, normA);
    expect(Math.abs(err - cut.error)).toBeLessThanOrEqual(slack);
    expect(cut.discardedWeight).toBeGreaterThan(0);
    cut.tt.dispose();
    const r = await ttRound(tt, { eps: 0.5 });
    expect(r.error).toBeLessThanOrEqual(0.5 * normA);
    r.tt.dispose();
    tt.dispose();
  });

  it('rejects bad input', async () => {
    const e = engine();
    const x = e.tensor(new Float32Array(24), [2, 3, 4]);
    await expect(ttSvd(x, [5, 5])).rejects.toThrow(ShapeError);
    await expect(ttSvd(x, undefined, { eps: -1 })).rejects.toThrow(ValueError);
    await expect(ttSvd(x, undefined, { maxRank: 0 })).rejects.toThrow(/maxRank = 0/);
    const { tt } = await ttSvd(x, undefined, { eps: 0 });
    await expect(ttMarginal(tt, [2, 1])).rejects.toThrow(/ascending/);
    await expect(ttMergeSites(tt, 2)).rejects.toThrow(/no right neighbour/);
    await expect(ttContractVectors(tt, [x])).rejects.toThrow(/1 vectors for 3 sites/);
    tt.dispose();
    x.dispose();
  });
});

// Host helpers for bounds: the same chains with absolute values of the cores.
async function hostAbsDense(tt: TensorTrain): Promise<Float64Array> {
  const abs = tt.cores.map((c) => c);
  void abs;
  const cores = await Promise.all(tt.cores.map(async (c) => Float64Array.from(await c.read(), Math.abs)));
  let acc = Float64Array.from([1]);
  let rows = 1;
  for (let k = 0; k < tt.sites; k++) {
    const [r0, n, r1] = tt.cores[k]!.shape as [number, number, number];
    const next = new Float64Array(rows * n * r1);
    for (let p = 0; p < rows; p++) for (let a = 0; a < r0; a++) for (let i = 0; i < n; i++) for (let b = 0; b < r1; b++) next[(p * n + i) * r1 + b] += acc[p * r0 + a]! * cores[k]![(a * n + i) * r1 + b]!;
    acc = next;
    rows *= n;
  }
  return acc;
}
async function hostAbsChain(tt: TensorTrain, vs: Float32Array[]): Promise<number> {
  const d = await hostAbsDense(tt);
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    let rem = i, p = d[i]!;
    for (let k = tt.sites - 1; k >= 0; k--) {
      p *= Math.abs(vs[k]![rem % tt.dims[k]!]!);
      rem = Math.floor(rem / tt.dims[k]!);
    }
    s += p;
  }
  return s;
}
async function hostAbsInner(tt: TensorTrain): Promise<number> {
  const d = await hostAbsDense(tt);
  return d.reduce((s, v) => s + v * v, 0);
}
