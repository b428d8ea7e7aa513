import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32, rng } from '../helpers/random.js';
import { U32, firstMismatch, pairwiseDepth, sumBound } from '../helpers/tolerance.js';
import { absSum64, axisLayout, logsumexp64, max64, mean64, min64, reduceColumns, sum64 } from '../reference/reduce.js';
import {
  sum, max, min, mean, logsumexp, reduceDepth, ShapeError, DTypeError, ValueError, type Tensor,
} from '../../src/index.js';

const engine = useEngine();

async function readAndDispose(t: Tensor) {
  const r = await t.read();
  t.dispose();
  return r;
}

const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Shape of the result: the axis removed (or set to 1 with keepDims); [] for a full reduction. */
function outShapeOf(shape: number[], axis: number | undefined, keepDims: boolean): number[] {
  if (axis === undefined) return keepDims ? shape.map(() => 1) : [];
  const ax = axis < 0 ? axis + shape.length : axis;
  return keepDims ? shape.map((d, i) => (i === ax ? 1 : d)) : shape.filter((_, i) => i !== ax);
}

/**
 * logsumexp bound, term by term (see src/ops/reduce.ts). With m the max and d_i = x_i - m <= 0:
 * fl(x_i - m) has relative error u, so exp's argument is off by u|d_i|; WGSL's exp is within
 * 3 + 2|d_i| ULP (1 ULP <= 2u * value); so term i is off by e^{d_i} u (6 + 5|d_i|), plus 2^-126
 * where it underflows. The tree sum adds depth * u * S (all terms positive). log turns the
 * absolute error dS of S >= 1 into dS / S and adds its own 2^-21 absolute (3 ULP = 6u|log S|
 * outside [0.5, 2]); the final m + log S rounds once more (u |result|).
 */
function lseBound(col: number[], depth: number): number {
  const m = max64(col);
  let s = 0;
  let dTerms = 0;
  for (const x of col) {
    const d = x - m;
    const e = Math.exp(d);
    s += e;
    dTerms += e * U32 * (6 + 5 * Math.abs(d)) + 2 ** -126;
  }
  const dS = dTerms + depth * U32 * s;
  const r = m + Math.log(s);
  return dS / s + 2 ** -21 + 6 * U32 * Math.abs(Math.log(s)) + U32 * Math.abs(r) + 1e-30;
}

interface Check {
  name: 'sum' | 'max' | 'min' | 'mean' | 'logsumexp';
  fn: typeof sum;
  ref: (col: number[]) => number;
  /** Allowed error for one column given the depth of the reduction tree. */
  bound: (col: number[], depth: number) => number;
}

const CHECKS: Check[] = [
  { name: 'sum', fn: sum, ref: sum64, bound: (c, d) => sumBound(absSum64(c), d) },
  { name: 'max', fn: max, ref: max64, bound: () => 0 },
  { name: 'min', fn: min, ref: min64, bound: () => 0 },
  // sum * fl(1/len): two more roundings (see src/ops/reduce.ts)
  { name: 'mean', fn: mean, ref: mean64, bound: (c, d) => sumBound(absSum64(c), d + 2) / c.length },
  { name: 'logsumexp', fn: logsumexp, ref: logsumexp64, bound: lseBound },
];

async function checkReduction(data: Float32Array, shape: number[], axis: number | undefined, checks = CHECKS, keepDims = false) {
  const e = engine();
  const x = e.tensor(data, shape);
  const l = axisLayout(shape, axis);
  const depth = reduceDepth(shape, axis);
  try {
    for (const c of checks) {
      const out = await c.fn(x, axis, { keepDims });
      expect(out.shape, c.name).toEqual(outShapeOf(shape, axis, keepDims));
      expect(out.dtype).toBe('f32');
      const got = await readAndDispose(out);
      const cols: number[][] = [];
      const want = reduceColumns(data, l, (col) => (cols.push(col), c.ref(col)));
      const bad = firstMismatch(got, want, (i) => c.bound(cols[i]!, depth));
      expect(bad, `${c.name} ${JSON.stringify(shape)} axis ${axis}`).toBeNull();
    }
  } finally {
    x.dispose();
  }
}

describe('reduceDepth', () => {
  it('is within two levels of the ideal pairwise depth', () => {
    // The error bounds below use reduceDepth; this keeps it honest against ceil(log2 n) + 1.
    for (const n of [1, 2, 7, 8, 9, 257, 4099, 8192, 8193, (1 << 20) + 3, 1 << 24, 30_000_001]) {
      expect(reduceDepth([n]), `n = ${n}`).toBeLessThanOrEqual(pairwiseDepth(n) + 2);
    }
    for (const [shape, axis] of [[[1031, 5], 0], [[2, 20000, 3], 1], [[5, 7, 3], 1], [[3, 1], 1]] as const) {
      expect(reduceDepth(shape, axis)).toBeLessThanOrEqual(pairwiseDepth(shape[axis]!) + 2);
    }
    expect(reduceDepth([1])).toBe(0);
    // 2^20 + 3: a pass of one 32-element block per lane (5 levels) leaves 32769 partials, a
    // pass of 8192-element blocks (5 + 8 levels) leaves 5, and one lane sums those (3 levels).
    expect(reduceDepth([(1 << 20) + 3])).toBe(21);
  });
});

describe('reductions over all elements', () => {
  for (const n of [1, 7, 257, 4099, (1 << 20) + 3]) {
    it(`f32 n = ${n}`, async () => {
      await checkReduction(randomF32(n, n, -1, 1), [n], undefined);
    });
  }

  it('positive data (no cancellation) n = 1<<20 + 3: sum error well inside the bound', async () => {
    const n = (1 << 20) + 3;
    const d = randomF32(n, 11, 0, 1);
    const e = engine();
    const x = e.tensor(d);
    const got = await readAndDispose(await sum(x));
    x.dispose();
    const want = sum64(Array.from(d));
    const bound = sumBound(want, reduceDepth([n]));
    // measured: |err| / (u * sum) is ~0.3 here, against a bound of depth = 20
    expect(Math.abs(got[0]! - want)).toBeLessThanOrEqual(bound);
  });

  it('rank-3 input, result shape [] and keepDims [1, 1, 1]', async () => {
    await checkReduction(randomF32(105, 4), [5, 7, 3], undefined);
    await checkReduction(randomF32(105, 4), [5, 7, 3], undefined, CHECKS, true);
  });

  it('a rank-0 tensor reduces to itself', async () => {
    const e = engine();
    const x = e.tensor(new Float32Array([2.5]), []);
    for (const f of [sum, max, min, mean]) {
      const r = await f(x);
      expect(r.shape).toEqual([]);
      expect(await readAndDispose(r)).toEqual(new Float32Array([2.5]));
    }
    x.dispose();
  });
});

describe('reductions along an axis', () => {
  const cases: [number[], number[]][] = [
    [[1], [0, -1]],
    [[3, 1], [0, 1, -1]],
    [[5, 7, 3], [0, 1, 2, -1, -3]],
    [[2, 257, 3], [0, 1, 2]],
    [[1031, 5], [0, 1]],
    // multi-pass along an inner axis (20000 > one workgroup block) and along the last axis
    [[2, 20000, 3], [1]],
    [[3, 10007], [1]],
    // vec4 reads along the last axis (len % 4 == 0), several columns per workgroup
    [[6, 36], [1, -1]],
    // rows of at least 2^17: lane-per-block passes (no barriers) first, with vec4 reads
    // (len % 4 == 0) and without (odd len), more than one column
    [[2, 131076], [1]],
    [[2, 131075], [-1]],
  ];
  for (const [shape, axes] of cases) {
    for (const axis of axes) {
      it(`f32 ${JSON.stringify(shape)} axis ${axis}`, async () => {
        await checkReduction(randomF32(prod(shape), prod(shape) + axis + 17), shape, axis);
      });
    }
  }

  it('keepDims keeps the axis as length 1', async () => {
    await checkReduction(randomF32(105, 5), [5, 7, 3], 1, CHECKS, true);
    await checkReduction(randomF32(105, 6), [5, 7, 3], -1, CHECKS, true);
  });

  it('small example by hand', async () => {
    const e = engine();
    const x = e.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(Array.from(await readAndDispose(await sum(x, 0)))).toEqual([5, 7, 9]);
    expect(Array.from(await readAndDispose(await sum(x, 1)))).toEqual([6, 15]);
    expect(Array.from(await readAndDispose(await max(x, -1)))).toEqual([3, 6]);
    expect(Array.from(await readAndDispose(await min(x, 0)))).toEqual([1, 2, 3]);
    expect(Array.from(await readAndDispose(await mean(x, 1)))).toEqual([2, 5]);
    x.dispose();
  });
});

it('an input buffer with no room past the tensor (wrapped, exact size) takes the scalar path', async () => {
  const e = engine();
  const n = 7; // 28 bytes: a vec4 view would need 32
  const d = randomF32(n, 31, -1, 1);
  const buf = e.device.createBuffer({ size: 4 * n, usage: 0x80 | 0x4 | 0x8 }); // STORAGE | COPY_SRC | COPY_DST
  e.device.queue.writeBuffer(buf, 0, new Float32Array(d));
  const x = e.wrap(buf, [n]);
  const want = sum64(Array.from(d));
  const got = await readAndDispose(await sum(x));
  expect(Math.abs(got[0]! - want)).toBeLessThanOrEqual(sumBound(absSum64(Array.from(d)), reduceDepth([n])));
  expect(Array.from(await readAndDispose(await max(x)))).toEqual([Math.max(...d)]);
  x.dispose();
  buf.destroy();
});

describe('logsumexp stability', () => {
  it('1000 + noise over all elements and along an axis (exp(1000) overflows f32)', async () => {
    const n = 4099;
    const d = randomF32(n, 21, -1, 1).map((v) => 1000 + v);
    await checkReduction(d, [n], undefined, [CHECKS[4]!]);
    await checkReduction(d.subarray(0, 1031 * 3), [1031, 3], 0, [CHECKS[4]!]);
    await checkReduction(d.subarray(0, 1031 * 3), [1031, 3], 1, [CHECKS[4]!]);
  });

  it('-1000 + noise, and a wide spread of values', async () => {
    const d = randomF32(4099, 22, -1, 1).map((v) => v - 1000);
    await checkReduction(d, [4099], undefined, [CHECKS[4]!]);
    const wide = randomF32(2570, 23, -200, 80);
    await checkReduction(wide, [10, 257], 1, [CHECKS[4]!]);
  });

  it('infinities: all -inf gives -inf, any +inf gives +inf', async () => {
    const e = engine();
    const x = e.tensor(new Float32Array([-Infinity, -Infinity, -Infinity, 1, Infinity, 2]), [2, 3]);
    const got = await readAndDispose(await logsumexp(x, 1));
    expect(Array.from(got)).toEqual([-Infinity, Infinity]);
    x.dispose();
  });
});

describe('integer reductions', () => {
  it('i32 sum, max, min are exact (n = 1<<20 + 3)', async () => {
    const n = (1 << 20) + 3;
    const r = rng(31);
    // |sum| <= 1e4 * n < 2^31: no wrap-around
    const d = Int32Array.from({ length: n }, () => Math.floor((r() - 0.5) * 2e4));
    const e = engine();
    const x = e.tensor(d);
    let s = 0, mx = -Infinity, mn = Infinity;
    for (const v of d) { s += v; mx = Math.max(mx, v); mn = Math.min(mn, v); }
    const out = await sum(x);
    expect(out.dtype).toBe('i32');
    expect((await readAndDispose(out))[0]).toBe(s);
    expect((await readAndDispose(await max(x)))[0]).toBe(mx);
    expect((await readAndDispose(await min(x)))[0]).toBe(mn);
    x.dispose();
  });

  it('i32 and u32 along axes', async () => {
    const e = engine();
    const shape = [5, 7, 3];
    const r = rng(32);
    const di = Int32Array.from({ length: 105 }, () => Math.floor((r() - 0.5) * 2000));
    const du = Uint32Array.from({ length: 105 }, () => Math.floor(r() * 4e9));
    const xi = e.tensor(di, shape);
    const xu = e.tensor(du, shape);
    for (const axis of [0, 1, 2]) {
      const l = axisLayout(shape, axis);
      expect(Array.from(await readAndDispose(await sum(xi, axis)))).toEqual(Array.from(reduceColumns(di, l, (c) => c.reduce((a, b) => a + b, 0))));
      expect(Array.from(await readAndDispose(await max(xi, axis)))).toEqual(Array.from(reduceColumns(di, l, max64)));
      expect(Array.from(await readAndDispose(await min(xu, axis)))).toEqual(Array.from(reduceColumns(du, l, min64)));
      expect(Array.from(await readAndDispose(await max(xu, axis)))).toEqual(Array.from(reduceColumns(du, l, max64)));
      // u32 sums wrap modulo 2^32
      expect(Array.from(await readAndDispose(await sum(xu, axis)))).toEqual(
        Array.from(reduceColumns(du, l, (c) => c.reduce((a, b) => a + b, 0) % 2 ** 32)),
      );
    }
    xi.dispose();
    xu.dispose();
  });
});

describe('empty reductions and errors', () => {
  it('sum of nothing is 0; max, min, mean, logsumexp of nothing throw ValueError', async () => {
    const e = engine();
    const empty = e.tensor(new Float32Array(0), [0]);
    const s = await sum(empty);
    expect(s.shape).toEqual([]);
    expect(Array.from(await readAndDispose(s))).toEqual([0]);
    await expect(max(empty)).rejects.toThrow(ValueError);
    await expect(max(empty)).rejects.toThrow(/^max: cannot reduce zero elements \(all elements of \[0\]\)/);
    await expect(logsumexp(empty)).rejects.toThrow(/^logsumexp: cannot reduce zero elements/);
    await expect(mean(empty)).rejects.toThrow(ValueError);

    const rows = e.tensor(new Int32Array(0), [3, 0]);
    expect(Array.from(await readAndDispose(await sum(rows, 1)))).toEqual([0, 0, 0]);
    await expect(min(rows, 1)).rejects.toThrow(/^min: cannot reduce zero elements \(axis 1 of \[3, 0\], which has length 0\)/);
    // reducing a length-3 axis of a tensor with no rows: an empty result, no error
    const r0 = await max(rows, 0);
    expect(r0.shape).toEqual([0]);
    r0.dispose();
    empty.dispose();
    rows.dispose();
  });

  it('bad axes name the op, the axis and the rank', async () => {
    const e = engine();
    const x = e.tensor(new Float32Array(6), [2, 3]);
    await expect(sum(x, 2)).rejects.toThrow(ShapeError);
    await expect(sum(x, 2)).rejects.toThrow('sum: axis 2 is out of range for rank 2 tensor [2, 3] (expected -2 <= axis < 2)');
    await expect(max(x, -3)).rejects.toThrow('max: axis -3 is out of range for rank 2 tensor [2, 3]');
    await expect(mean(x, 0.5)).rejects.toThrow(ValueError);
    await expect(mean(x, 0.5)).rejects.toThrow('mean: axis 0.5 is not an integer');
    const s = e.tensor(new Float32Array([1]), []);
    await expect(logsumexp(s, 0)).rejects.toThrow('logsumexp: axis 0 given for a rank-0 tensor [], which has no axes');
    x.dispose();
    s.dispose();
  });

  it('wrong dtypes: mean and logsumexp take f32 only', async () => {
    const e = engine();
    const i = e.tensor(new Int32Array(4));
    const u = e.tensor(new Uint32Array(4));
    await expect(mean(i)).rejects.toThrow(DTypeError);
    await expect(mean(i)).rejects.toThrow(/^mean: .* has dtype i32; expected f32/);
    await expect(logsumexp(u, 0)).rejects.toThrow(/^logsumexp: .* has dtype u32; expected f32/);
    i.dispose();
    u.dispose();
  });

  it('frees its partials: only the result stays live', async () => {
    const e = engine();
    const x = e.tensor(randomF32(70000, 41));
    const before = e.liveTensors;
    const r = await logsumexp(x);
    expect(e.liveTensors).toBe(before + 1);
    r.dispose();
    x.dispose();
  });
});
