import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import { firstMismatch, sumBound } from '../helpers/tolerance.js';
import { matmulRef } from '../reference/matmul.js';
import {
  matmul, gemmStrided, gemmStats, registerLaunch, registerRows, autotuneMatmul, matmulVariant, ShapeError, DTypeError, LimitError, type MatmulVariant,
  createEngine, type Engine, type RegisterTile,
} from '../../src/index.js';

const engine = useEngine();
const size = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

// Both kernels accumulate each element as one serial chain of k fused multiply-adds (the
// tiled kernel adds exact zeros for padding), so the error is at most k * u * sum_k |a_ik b_kj|
// (Higham 3.1), plus one rounding of the alpha scale: depth k + 1.
async function check(aShape: number[], bShape: number[], opts: { transA?: boolean; transB?: boolean; alpha?: number; variant?: MatmulVariant } = {}) {
  const e = engine();
  const ad = randomF32(size(aShape), size(aShape) + 7);
  const bd = randomF32(size(bShape), size(bShape) + 11);
  const a = e.tensor(ad, aShape), b = e.tensor(bd, bShape);
  const c = await matmul(a, b, opts);
  const want = matmulRef(ad, aShape, bd, bShape, opts);
  expect(c.shape).toEqual(want.shape);
  const got = await c.read();
  a.dispose(); b.dispose(); c.dispose();
  const k = opts.transA ? aShape[aShape.length - 2]! : aShape[aShape.length - 1]!;
  expect(firstMismatch(got, want.out, (i) => sumBound(want.absSum[i]!, k + 1))).toBeNull();
}

describe('matmul', () => {
  const shapes: [string, number[], number[]][] = [
    ['1x1x1', [1, 1], [1, 1]],
    ['1xkx1', [1, 37], [37, 1]],
    ['7x13x5', [7, 13], [13, 5]],
    ['257x129x65', [257, 129], [129, 65]],
    ['64x64x64', [64, 64], [64, 64]],
    ['batched [3,17,33]x[3,33,9]', [3, 17, 33], [3, 33, 9]],
    ['broadcast [1,5,6]x[4,6,7]', [1, 5, 6], [4, 6, 7]],
    ['broadcast rank [5,6]x[2,3,6,7]', [5, 6], [2, 3, 6, 7]],
    ['broadcast both [2,1,3,4]x[1,3,4,5]', [2, 1, 3, 4], [1, 3, 4, 5]],
    ['prime 31x97x3', [31, 97], [97, 3]],
  ];
  for (const variant of ['register', 'tiled'] as const) {
    for (const [name, as, bs] of shapes) {
      it(`${variant}: ${name}`, () => check(as, bs, { variant }));
    }
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${variant}: transA=${transA} transB=${transB} (batched, odd sizes)`, async () => {
          const [m, k, n] = [19, 23, 71];
          await check(transA ? [2, k, m] : [2, m, k], transB ? [n, k] : [k, n], { transA, transB, variant });
        });
      }
    }
    it(`${variant}: alpha scales the product`, () => check([9, 10], [10, 11], { alpha: -0.375, variant }));
  }

  it('default variant follows the adapter kind', () => {
    const e = engine();
    expect(matmulVariant(e)).toBe(e.adapter.kind === 'cpu' ? 'register' : 'tiled');
  });

  it('k = 0 gives zeros', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(0), [3, 0]), b = e.tensor(new Float32Array(0), [0, 2]);
    const c = await matmul(a, b);
    expect(Array.from(await c.read())).toEqual([0, 0, 0, 0, 0, 0]);
    a.dispose(); b.dispose(); c.dispose();
  });

  it('rejects mismatched inner dimensions, naming both shapes', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(12), [3, 4]);
    const b = e.tensor(new Float32Array(10), [5, 2]);
    await expect(matmul(a, b)).rejects.toThrow(ShapeError);
    await expect(matmul(a, b)).rejects.toThrow(/matmul: inner dimensions differ: a is \[3, 4\] \(k = 4\), b is \[5, 2\] \(k = 5\)/);
    await expect(matmul(a, b, { transA: true })).rejects.toThrow(/a\^T is \[3, 4\] \(k = 3\)/);
    a.dispose(); b.dispose();
  });

  it('rejects non-broadcastable batches, rank < 2 and non-f32', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]);
    const b = e.tensor(new Float32Array(3 * 4 * 5), [3, 4, 5]);
    const v = e.tensor(new Float32Array(4), [4]);
    const i = e.tensor(new Int32Array(16), [4, 4]);
    await expect(matmul(a, b)).rejects.toThrow(/matmul: batch dimensions of a \[2, 3, 4\] and b \[3, 4, 5\] cannot be broadcast/);
    await expect(matmul(v, v)).rejects.toThrow(ShapeError);
    await expect(matmul(i, i)).rejects.toThrow(DTypeError);
    a.dispose(); b.dispose(); v.dispose(); i.dispose();
    expect(e.liveTensors).toBe(0);
  });

  it('batch over the dispatch limit is a LimitError', async () => {
    const e = engine();
    const nb = e.limits.maxComputeWorkgroupsPerDimension + 1;
    const a = e.tensor(new Float32Array(nb), [nb, 1, 1]);
    await expect(matmul(a, a)).rejects.toThrow(LimitError);
    a.dispose();
    expect(e.liveTensors).toBe(0);
  });

  it('autotuneMatmul times both variants and sets the default', async () => {
    const e = engine();
    const r = await autotuneMatmul(e, { size: 64, reps: 1 });
    expect(r.ms.register).toBeGreaterThan(0);
    expect(r.ms.tiled).toBeGreaterThan(0);
    expect(matmulVariant(e)).toBe(r.variant);
  });
});

describe('gemmStrided', () => {
  // C^T = B^T A^T written through strides: reads a [m, k] stored as its permutation [k, m]
  // inside a larger buffer with an offset, and writes C transposed, with a broadcast batch.
  for (const variant of ['register', 'tiled'] as const) {
    it(`${variant}: permuted operands, offsets and transposed output`, async () => {
      const e = engine();
      const [nb, m, k, n] = [3, 6, 5, 7];
      const off = 3;
      const ad = randomF32(off + k * m, 1); // A^T stored [k, m] after `off` junk elements
      const bd = randomF32(nb * k * n, 2); // B stored [nb, k, n]
      const a = e.tensor(ad), b = e.tensor(bd);
      const out = e.empty([nb, n, m]); // C stored transposed per batch
      await gemmStrided(e, {
        a, b, out, m, n, k, batchShape: [nb], variant, alpha: 2,
        aLayout: { offset: off, rowStride: 1, colStride: m, batchStrides: [0] },
        bLayout: { rowStride: n, colStride: 1, batchStrides: [k * n] },
        outLayout: { rowStride: 1, colStride: m, batchStrides: [n * m] },
      });
      const got = await out.read();
      a.dispose(); b.dispose(); out.dispose();
      const want = matmulRef(ad.subarray(off), [k, m], bd, [nb, k, n], { transA: true, alpha: 2 });
      // want is [nb, m, n]; got is [nb, n, m]
      const perm = new Float64Array(want.out.length), abs = new Float64Array(want.out.length);
      for (let t = 0; t < nb; t++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        perm[(t * n + j) * m + i] = want.out[(t * m + i) * n + j]!;
        abs[(t * n + j) * m + i] = want.absSum[(t * m + i) * n + j]!;
      }
      expect(firstMismatch(got, perm, (i) => sumBound(abs[i]!, k + 1))).toBeNull();
    });
  }

  // Workgroup sizes of the register kernel, with and without the vec4 path for B
  // (taken when n, the row stride and the offset are multiples of 4), at awkward sizes.
  // rows: 16 (two 8-row halves per workgroup) is what large m gets; forced here on small shapes.
  for (const tile of [{ wg: 64 }, { wg: 1 }, { wg: 3 }, { wg: 64, rows: 16 as const }, { wg: 3, rows: 16 as const }]) {
    for (const [m, k, n] of [[37, 29, 44], [20, 16, 24], [5, 3, 7]] as const) {
      it(`register tile ${JSON.stringify(tile)} on ${m}x${k}x${n}`, async () => {
        const e = engine();
        const ad = randomF32(m * k, m + k), bd = randomF32(k * n, k + n);
        const a = e.tensor(ad, [m, k]), b = e.tensor(bd, [k, n]), out = e.empty([m, n]);
        await gemmStrided(e, {
          a, b, out, m, n, k, batchShape: [], variant: 'register', registerTile: tile,
          aLayout: { rowStride: k, colStride: 1, batchStrides: [] },
          bLayout: { rowStride: n, colStride: 1, batchStrides: [] },
          outLayout: { rowStride: n, colStride: 1, batchStrides: [] },
        });
        const got = await out.read();
        a.dispose(); b.dispose(); out.dispose();
        const want = matmulRef(ad, [m, k], bd, [k, n]);
        expect(firstMismatch(got, want.out, (i) => sumBound(want.absSum[i]!, k + 1))).toBeNull();
      });
    }
  }

  // A's rows shared across a subgroup by subgroupBroadcast (A_SG in matmul_reg.wgsl): each
  // subgroup size the kernel supports (any that divides the adapter's, so every subgroup has
  // those lanes), with 8- and 16-row blocks (1, 2 or 4 row loads a lane), against an engine
  // with subgroups turned off, which loads every row in every lane. m crosses the clamped last
  // row block; the offsets and padded row strides keep the addressing honest.
  describe('register kernel: A rows broadcast over subgroups', () => {
    let plain: Engine | undefined;
    beforeAll(async () => {
      plain = await createEngine({ disableFeatures: { subgroups: true } });
    });
    afterAll(async () => {
      await plain?.dispose();
    });
    const run = async (e: Engine, m: number, k: number, n: number, tile: RegisterTile, aSubgroup?: number) => {
      const ad = randomF32(m * (k + 3) + 5, m + 2 * k), bd = randomF32(k * n, k + n);
      const a = e.tensor(ad, [ad.length]), b = e.tensor(bd, [k, n]), out = e.empty([m, n]);
      const launch = await gemmStrided(e, {
        a, b, out, m, n, k, batchShape: [], variant: 'register', registerTile: tile, aSubgroup,
        aLayout: { offset: 5, rowStride: k + 3, colStride: 1, batchStrides: [] },
        bLayout: { rowStride: n, colStride: 1, batchStrides: [] },
        outLayout: { rowStride: n, colStride: 1, batchStrides: [] },
      });
      const got = await out.read();
      a.dispose(); b.dispose(); out.dispose();
      const aRows = new Float32Array(m * k);
      for (let i = 0; i < m; i++) aRows.set(ad.subarray(5 + i * (k + 3), 5 + i * (k + 3) + k), i * k);
      const want = matmulRef(aRows, [m, k], bd, [k, n]);
      expect(firstMismatch(got, want.out, (i) => sumBound(want.absSum[i]!, k + 1))).toBeNull();
      return launch;
    };
    it('the engine reports a fixed subgroup size only with the feature on', () => {
      expect(plain!.subgroupSize).toBeNull();
      const e = engine();
      if (e.features.subgroups && e.adapter.subgroupMinSize === e.adapter.subgroupMaxSize) {
        expect(e.subgroupSize).toBe(e.adapter.subgroupMinSize);
      }
    });
    for (const [m, k, n] of [[1, 5, 16], [37, 29, 44], [53, 64, 36]] as const) {
      for (const tile of [{ wg: 16, rows: 16 as const }, { wg: 8, rows: 8 as const }]) {
        it(`${m}x${k}x${n} ${JSON.stringify(tile)}: every fitting subgroup size, and none`, async () => {
          const e = engine();
          expect((await run(plain!, m, k, n, tile)).aSubgroup).toBe(0);
          const sizes = [4, 8, 16].filter((s) => e.subgroupSize !== null && e.subgroupSize % s === 0 && s <= tile.rows && tile.wg % s === 0);
          for (const s of sizes) expect((await run(e, m, k, n, tile, s)).aSubgroup).toBe(s);
          // Without an override the engine's own size is used where it fits.
          const own = e.subgroupSize !== null && sizes.includes(e.subgroupSize) ? e.subgroupSize : 0;
          expect((await run(e, m, k, n, tile)).aSubgroup).toBe(own);
        });
      }
    }
    it('an aSubgroup that does not divide the engine subgroup size is refused', async () => {
      const e = plain!;
      const a = e.tensor([1], [1, 1]);
      const l = { rowStride: 1, colStride: 1, batchStrides: [] };
      await expect(gemmStrided(e, { a, b: a, out: a, m: 1, n: 1, k: 1, batchShape: [], variant: 'register', aLayout: l, bLayout: l, outLayout: l, aSubgroup: 8 }))
        .rejects.toThrow(/aSubgroup 8 does not divide the engine's subgroup size \(none\)/);
      a.dispose();
    });
  });

  // Launch choices of the register kernel (no tile given): the workgroup is fitted to C's columns
  // and tall-and-narrow products run as C^T = B^T A^T, read through swapped strides.
  it('registerLaunch: wide products keep the tuned wg 16 and their orientation; narrow ones shrink or swap', () => {
    expect(registerLaunch(1024, 1024, 1, 1024, 1)).toEqual({ swapped: false, tile: { wg: 16 } });
    expect(registerLaunch(512, 512, 1, 512, 1)).toEqual({ swapped: false, tile: { wg: 16 } });
    // 16 columns = 2 blocks of 8: two invocations per workgroup instead of 64 (62 idle).
    expect(registerLaunch(16, 16, 8, 128, 1)).toEqual({ swapped: false, tile: { wg: 2 } });
    // 300 x 6 with unit-stride A rows: as C^T the 300 side spreads over the invocations.
    expect(registerLaunch(300, 6, 1, 1, 1).swapped).toBe(true);
    // Same shape but B^T would be read at a large stride while B is unit-stride and wide.
    expect(registerLaunch(1024, 32, 1, 1024, 1)).toEqual({ swapped: false, tile: { wg: 4 } });
    // Rows per workgroup: 16 unless that pads m by more than 1/8 over 8-row blocks.
    expect([1024, 257, 16, 9, 72].map(registerRows)).toEqual([16, 16, 16, 16, 16]);
    expect([8, 5, 24, 40].map(registerRows)).toEqual([8, 8, 8, 8]);
  });

  // Tall and narrow (m = 257 rows, n = 5 or 13 columns, k = 31 prime), with A stored transposed
  // inside a larger buffer at an offset, a batch of 3 with A broadcast, and C written with
  // padded rows: the result must equal the float64 product (error bound as above, depth k + 1),
  // the launch must report the swap, and no element outside C's slots may be written.
  for (const n of [5, 13]) {
    it(`swapped launch: 257x${n}x31, batch 3, transposed A at an offset, padded C`, async () => {
      const e = engine();
      const [nb, m, k] = [3, 257, 31];
      const off = 5, ldc = n + 2;
      const ad = randomF32(off + k * m, 3); // A^T stored [k, m] after `off` junk elements
      const bd = randomF32(nb * k * n, 4); // B stored [nb, k, n]
      const a = e.tensor(ad), b = e.tensor(bd);
      const out = e.tensor(new Float32Array(nb * m * ldc).fill(7)); // C rows padded to ldc
      const s0 = gemmStats.swapped;
      const launch = await gemmStrided(e, {
        a, b, out, m, n, k, batchShape: [nb], alpha: 0.5,
        aLayout: { offset: off, rowStride: 1, colStride: m, batchStrides: [0] },
        bLayout: { rowStride: n, colStride: 1, batchStrides: [k * n] },
        outLayout: { rowStride: ldc, colStride: 1, batchStrides: [m * ldc] },
      });
      const got = await out.read();
      a.dispose(); b.dispose(); out.dispose();
      if (launch.variant === 'register') {
        expect(launch.swapped).toBe(true);
        expect(gemmStats.swapped).toBe(s0 + 1);
      }
      const want = matmulRef(ad.subarray(off), [k, m], bd, [nb, k, n], { transA: true, alpha: 0.5 });
      const exp = new Float64Array(got.length).fill(7), abs = new Float64Array(got.length);
      for (let t = 0; t < nb; t++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        exp[(t * m + i) * ldc + j] = want.out[(t * m + i) * n + j]!;
        abs[(t * m + i) * ldc + j] = want.absSum[(t * m + i) * n + j]!;
      }
      expect(firstMismatch(got, exp, (i) => sumBound(abs[i]!, k + 1))).toBeNull();
    });
  }

  // Narrow workgroups (2 and 4 invocations) on odd column counts that leave the last block part-full.
  for (const [m, k, n] of [[64, 17, 11], [9, 40, 29]] as const) {
    it(`fitted narrow workgroup on ${m}x${k}x${n}`, async () => {
      const e = engine();
      const ad = randomF32(m * k, m), bd = randomF32(k * n, n);
      const a = e.tensor(ad, [m, k]), b = e.tensor(bd, [k, n]), out = e.empty([m, n]);
      const launch = await gemmStrided(e, {
        a, b, out, m, n, k, batchShape: [],
        aLayout: { rowStride: k, colStride: 1, batchStrides: [] },
        bLayout: { rowStride: n, colStride: 1, batchStrides: [] },
        outLayout: { rowStride: n, colStride: 1, batchStrides: [] },
      });
      const got = await out.read();
      a.dispose(); b.dispose(); out.dispose();
      if (launch.variant === 'register') expect(launch.tile!.wg).toBeLessThan(64);
      const want = matmulRef(ad, [m, k], bd, [k, n]);
      expect(firstMismatch(got, want.out, (i) => sumBound(want.absSum[i]!, k + 1))).toBeNull();
    });
  }

  it('rejects layouts that reach past a tensor', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(6)), out = e.empty([4]);
    await expect(gemmStrided(e, {
      op: 'einsum', a, b: a, out, m: 2, n: 2, k: 3, batchShape: [],
      aLayout: { rowStride: 3, colStride: 1, batchStrides: [] },
      bLayout: { rowStride: 2, colStride: 1, batchStrides: [] }, // needs 2*2+1 = 6: ok
      outLayout: { rowStride: 3, colStride: 1, batchStrides: [] }, // reaches element 4 of 4
    })).rejects.toThrow(/einsum: out .* is read up to element 4/);
    a.dispose(); out.dispose();
  });
});
