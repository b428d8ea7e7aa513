import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32, rng } from '../helpers/random.js';
import { U32, firstMismatch } from '../helpers/tolerance.js';
import { denseLaplacian, denseMatmul, type Edges } from '../reference/graph-spectra.js';
import { laplacianFromEdges, spmm, spmv, csrFromArrays, connectedComponents, gershgorinBound, ValueError, ShapeError, type CsrMatrix } from '../../src/index.js';

const engine = useEngine();

/** Random multigraph with duplicates and self-loops; weights exact in float32. */
function randomEdges(n: number, m: number, seed: number): Edges {
  const r = rng(seed);
  const w = randomF32(m, seed + 1, 0.25, 2);
  const e: Edges = { src: [], dst: [], weight: [] };
  for (let k = 0; k < m; k++) { e.src.push(Math.floor(r() * n)); e.dst.push(Math.floor(r() * n)); e.weight.push(w[k]!); }
  return e;
}

async function denseOf(L: CsrMatrix): Promise<Float64Array> {
  const [rp, ci, v] = await Promise.all([L.rowPtr.read(), L.colIdx.read(), L.values.read()]);
  const A = new Float64Array(L.n * L.n);
  for (let i = 0; i < L.n; i++) for (let s = rp[i]!; s < rp[i + 1]!; s++) A[i * L.n + ci[s]!] = v[s]!;
  return A;
}

describe('laplacianFromEdges', () => {
  for (const directed of [false, true]) {
    for (const [n, m] of [[1, 0], [7, 12], [257, 900]] as const) {
      it(`${directed ? 'directed' : 'undirected'} n=${n} edges=${m} matches D - A`, async () => {
        const e = engine();
        const edges = randomEdges(n, m, n + m);
        const L = await laplacianFromEdges(e, n, edges, { directed });
        const got = await denseOf(L);
        const want = denseLaplacian(n, edges, directed);
        // Every value is a Neumaier-compensated float32 sum of exact float32 weights: within
        // 2u of the float64 sum (plus the final rounding: 3u relative). Sums of non-negative terms.
        expect(firstMismatch(got, want, (i) => 3 * U32 * Math.abs(want[i]!))).toBeNull();
        const deg = await L.degree!.read();
        for (let i = 0; i < n; i++) expect(Math.abs(deg[i]! - want[i * n + i]!)).toBeLessThanOrEqual(3 * U32 * want[i * n + i]!);
        expect(L.symmetric).toBe(!directed);
        L.dispose();
      });
    }
  }

  it('self-loops are ignored (they cancel in D - A) and duplicate edges add', async () => {
    const e = engine();
    const L = await laplacianFromEdges(e, 3, { src: [0, 0, 1, 1, 2], dst: [0, 1, 0, 1, 2], weight: [5, 1, 2, 7, 1] });
    expect(Array.from(await denseOf(L))).toEqual([3, -3, 0, -3, 3, 0, 0, 0, 0]);
    L.dispose();
  });

  it('disconnected graphs and isolated nodes are handled; tensors are accepted as input', async () => {
    const e = engine();
    const src = e.tensor(new Int32Array([0, 1, 3, 4])), dst = e.tensor(new Int32Array([1, 2, 4, 5]));
    const L = await laplacianFromEdges(e, 7, { src, dst });
    src.dispose(); dst.dispose();
    const cc = await connectedComponents(L);
    expect(cc.count).toBe(3);
    expect(Array.from(cc.labels)).toEqual([0, 0, 0, 1, 1, 1, 2]);
    expect(await gershgorinBound(L)).toBe(4);
    const x = e.tensor(new Float32Array([1, 1, 1, 2, 2, 2, 9]));
    const y = await spmv(L, x);
    expect(Array.from(await y.read())).toEqual([0, 0, 0, 0, 0, 0, 0]); // component indicators are null vectors
    x.dispose(); y.dispose(); L.dispose();
  });

  it('rejects bad input with errors naming the edge', async () => {
    const e = engine();
    await expect(laplacianFromEdges(e, 3, { src: [0, 1, 2], dst: [1, 2, 0], weight: [1, -0.5, -2] })).rejects.toThrow(
      /laplacianFromEdges: edge 1 \(1 -> 2\) has negative weight -0.5/,
    );
    await expect(laplacianFromEdges(e, 3, { src: [0, 1], dst: [1, 2], weight: [NaN, 1] })).rejects.toThrow(/edge 0 \(0 -> 1\) has weight NaN/);
    await expect(laplacianFromEdges(e, 3, { src: [0, 1], dst: [1, 2], weight: [1, Infinity] })).rejects.toThrow(ValueError);
    await expect(laplacianFromEdges(e, 3, { src: [0, 3], dst: [1, 2] })).rejects.toThrow(/edge 1 \(3 -> 2\): source 3 is outside \[0, 3\)/);
    await expect(laplacianFromEdges(e, 3, { src: [0, 1], dst: [1] })).rejects.toThrow(ShapeError);
    await expect(laplacianFromEdges(e, 0, { src: [], dst: [] })).rejects.toThrow(ValueError);
    expect(() => csrFromArrays(e, 2, [0, 1, 2], [0, 5], [1, 1])).toThrow(/colIdx\[1\] = 5 is outside/);
  });
});

describe('spmm', () => {
  // b covers both kernel paths (shaders/linalg/spmm.wgsl): scalar with 1, 2, 3, 4 columns per
  // invocation and a clamped tail group (1, 2, 3, 5, 7), and vec4 with 1, 2, 4, 8 vec4 groups per
  // invocation (4, 12, 20 -> 1; 8, 24 -> 2; 16, 48 -> 4; 32, 128 -> 8).
  for (const n of [1, 7, 257]) {
    for (const b of n === 257 ? [1, 2, 3, 4, 5, 7, 8, 12, 16, 20, 24, 32, 48, 128] : [1, 3, 4, 5, 32, 128]) {
      it(`n=${n} b=${b} vs dense float64`, async () => {
        const e = engine();
        const edges = randomEdges(n, 3 * n, 7 * n + b);
        const L = await laplacianFromEdges(e, n, edges);
        const A = await denseOf(L);
        const xd = randomF32(n * b, n + b);
        const X = e.tensor(xd, b === 1 ? [n] : [n, b]);
        const Y = b === 1 ? await spmv(L, X) : await spmm(L, X);
        const got = await Y.read();
        const { y, abs } = denseMatmul(A, xd, n, b);
        const rp = await L.rowPtr.read();
        // Output (i, q) is a float32 dot of the row's k_i nonzeros: error <= k_i u sum |A_ij X_jq|.
        const bound = (t: number) => { const i = Math.floor(t / b); return (rp[i + 1]! - rp[i]!) * U32 * abs[t]!; };
        expect(firstMismatch(got, y, bound)).toBeNull();
        X.dispose(); Y.dispose(); L.dispose();
      });
    }
  }

  it('general CSR: rows of degree 0, negative values, non-symmetric; both kernel paths', async () => {
    const e = engine();
    const n = 131;
    const r = rng(5);
    const rp = [0], ci: number[] = [], vs: number[] = [];
    const vals = randomF32(20 * n, 6, -2, 2);
    for (let i = 0; i < n; i++) {
      // every third row empty (and the first and last rows), others 1..12 random columns
      const deg = i % 3 === 0 || i === n - 1 ? 0 : 1 + Math.floor(r() * 12);
      const cols = new Set<number>();
      while (cols.size < deg) cols.add(Math.floor(r() * n));
      for (const c of [...cols].sort((a, b2) => a - b2)) { ci.push(c); vs.push(vals[ci.length]!); }
      rp.push(ci.length);
    }
    const M = csrFromArrays(e, n, rp, ci, vs);
    expect(M.symmetric).toBe(false);
    const A = await denseOf(M);
    for (const b of [1, 3, 4, 5, 8, 16, 32]) {
      const xd = randomF32(n * b, b, -1, 1);
      const X = e.tensor(xd, [n, b]);
      const Y = await spmm(M, X);
      const got = await Y.read();
      const { y, abs } = denseMatmul(A, xd, n, b);
      // degree-0 rows must be exactly 0; others within the dot-product bound k_i u sum |A_ij X_jq|
      const bound = (t: number) => { const i = Math.floor(t / b); return (rp[i + 1]! - rp[i]!) * U32 * abs[t]!; };
      expect(firstMismatch(got, y, bound), `b=${b}`).toBeNull();
      for (let i = 0; i < n; i += 3) for (let q = 0; q < b; q++) expect(got[i * b + q]).toBe(0);
      X.dispose(); Y.dispose();
    }
    M.dispose();
  });

  for (const b of [5, 8, 16, 32]) it(`fused alpha A X + beta X + gamma Z, b=${b}`, async () => {
    const e = engine();
    const n = 57;
    const L = await laplacianFromEdges(e, n, randomEdges(n, 200, 99));
    const A = await denseOf(L);
    const xd = randomF32(n * b, 1), zd = randomF32(n * b, 2);
    const X = e.tensor(xd, [n, b]), Z = e.tensor(zd, [n, b]);
    const Y = await spmm(L, X, { alpha: 0.75, beta: -2, gamma: -1, z: Z });
    const got = await Y.read();
    const { y, abs } = denseMatmul(A, xd, n, b);
    const want = Float64Array.from(y, (v, t) => 0.75 * v - 2 * xd[t]! - zd[t]!);
    const rp = await L.rowPtr.read();
    // the dot's bound scaled by alpha, plus one rounding for each of the 3 multiplies/adds
    const bound = (t: number) => { const i = Math.floor(t / b); return (rp[i + 1]! - rp[i]! + 1) * U32 * 0.75 * abs[t]! + 4 * U32 * (0.75 * abs[t]! + 2 * Math.abs(xd[t]!) + Math.abs(zd[t]!)); };
    expect(firstMismatch(got, want, bound)).toBeNull();
    const bad = e.tensor(new Float32Array(3));
    await expect(spmm(L, bad)).rejects.toThrow(/spmm: X must be \[57\] or \[57, b\]/);
    bad.dispose();
    await expect(spmm(L, X, { gamma: 1 })).rejects.toThrow(/needs options.z/);
    await expect(spmm(L, X, { alpha: NaN })).rejects.toThrow(/spmm: alpha must be finite, got NaN/);
    for (const t of [X, Z, Y]) t.dispose();
    L.dispose();
    await expect(spmm(L, X)).rejects.toThrow(/used after dispose/);
  });
});
