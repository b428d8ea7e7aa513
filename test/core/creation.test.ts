import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import { roundToF16, floatToInt } from '../reference/cast.js';
import {
  fill, zeros, ones, iota, arange, reshape, cast, ShapeError, DTypeError, ValueError, type Tensor,
} from '../../src/index.js';

const engine = useEngine();
const f = Math.fround;

async function readAndDispose(t: Tensor) {
  const r = await t.read();
  t.dispose();
  return r;
}

// Exact comparison that tells 0 from -0 and matches NaN with NaN.
function same(got: ArrayLike<number>, want: ArrayLike<number>) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) throw new Error(`element ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

describe('fill, zeros, ones', () => {
  for (const shape of [[1], [257], [3, 5, 7], [2, 1, 3, 1, 2, 5]]) {
    it(`${JSON.stringify(shape)} in each 4-byte dtype`, async () => {
      const e = engine();
      const n = shape.reduce((a, b) => a * b, 1);
      same(await readAndDispose(await fill(e, shape, 0.1)), new Float32Array(n).fill(f(0.1)));
      same(await readAndDispose(await fill(e, shape, -7, 'i32')), new Array(n).fill(-7));
      same(await readAndDispose(await fill(e, shape, 4000000000, 'u32')), new Array(n).fill(4000000000));
      same(await readAndDispose(await zeros(e, shape)), new Array(n).fill(0));
      same(await readAndDispose(await ones(e, shape, 'i32')), new Array(n).fill(1));
      const t = await fill(e, shape, -Infinity);
      expect(t.shape).toEqual(shape);
      same(await readAndDispose(t), new Array(n).fill(-Infinity));
    });
  }

  it('f16 with odd lengths', async (ctx) => {
    if (!engine().features.f16) ctx.skip();
    for (const n of [1, 3, 257]) {
      same(await readAndDispose(await fill(engine(), [n], 0.1, 'f16')), new Array(n).fill(roundToF16(0.1)));
    }
    same(await readAndDispose(await ones(engine(), [3, 5], 'f16')), new Array(15).fill(1));
  });

  it('rejects values that do not fit the dtype', async () => {
    const e = engine();
    await expect(fill(e, [2], 1.5, 'i32')).rejects.toThrow(/fill: value 1.5 is not an i32/);
    await expect(fill(e, [2], 2 ** 31, 'i32')).rejects.toThrow(ValueError);
    await expect(fill(e, [2], -1, 'u32')).rejects.toThrow(/fill: value -1 is not a u32/);
    await expect(fill(e, [2], 0, 'f64' as 'f32')).rejects.toThrow(DTypeError);
    await expect(fill(e, [2, -3], 0)).rejects.toThrow(ShapeError);
    if (!e.features.f16) await expect(fill(e, [2], 0, 'f16')).rejects.toThrow(/fill: f16 tensors need/);
  });
});

describe('iota / arange', () => {
  it('f32 counts exactly and matches fl(start + fl(i step))', async () => {
    const e = engine();
    same(await readAndDispose(await iota(e, 257)), Array.from({ length: 257 }, (_, i) => i));
    const n = 1031, start = 0.1, step = 0.3;
    const want = Array.from({ length: n }, (_, i) => f(f(start) + f(i * f(step))));
    same(await readAndDispose(await arange(e, n, { start, step })), want);
    same(await readAndDispose(await iota(e, 1, { start: -2.5 })), [-2.5]);
    const empty = await iota(e, 0);
    expect(empty.shape).toEqual([0]);
    empty.dispose();
  });

  it('i32 and u32 with wrapping arithmetic', async () => {
    const e = engine();
    same(await readAndDispose(await iota(e, 1031, { start: -5, step: 3, dtype: 'i32' })), Array.from({ length: 1031 }, (_, i) => -5 + 3 * i));
    same(await readAndDispose(await iota(e, 4, { start: 2 ** 31 - 2, dtype: 'i32' })), [2 ** 31 - 2, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) + 1]);
    same(await readAndDispose(await iota(e, 5, { start: 10, step: -3, dtype: 'u32' })), [10, 7, 4, 1, 2 ** 32 - 2]);
  });

  it('f16', async (ctx) => {
    if (!engine().features.f16) ctx.skip();
    const want = Array.from({ length: 257 }, (_, i) => roundToF16(f(f(0.5) + f(i * f(0.1)))));
    same(await readAndDispose(await iota(engine(), 257, { start: 0.5, step: 0.1, dtype: 'f16' })), want);
  });

  it('rejects bad arguments', async () => {
    const e = engine();
    await expect(iota(e, -1)).rejects.toThrow(/iota: n = -1/);
    await expect(iota(e, 2.5)).rejects.toThrow(ShapeError);
    await expect(iota(e, 3, { start: 0.5, dtype: 'i32' })).rejects.toThrow(/iota: start = 0.5 is not a i32/);
    await expect(iota(e, 3, { start: -1, dtype: 'u32' })).rejects.toThrow(ValueError);
    await expect(iota(e, 3, { step: 1e39 })).rejects.toThrow(/iota: .* finite float32/);
    if (!e.features.f16) await expect(iota(e, 3, { dtype: 'f16' })).rejects.toThrow(/iota: f16 tensors need/);
  });
});

describe('reshape', () => {
  it('copies the elements into a new, independent tensor', async () => {
    const e = engine();
    const data = randomF32(24, 3);
    const x = e.tensor(data, [2, 3, 4]);
    const y = await reshape(x, [4, -1]);
    expect(y.shape).toEqual([4, 6]);
    x.dispose(); // the result owns its own buffer
    same(await readAndDispose(y), data);
  });

  it('keeps dtype, including odd-length f16', async () => {
    const e = engine();
    const x = e.tensor(new Int32Array([1, -2, 3, -4, 5, -6]), [6]);
    const y = await reshape(x, [3, 1, 2]);
    expect(y.dtype).toBe('i32');
    same(await readAndDispose(y), [1, -2, 3, -4, 5, -6]);
    x.dispose();
    if (e.features.f16) {
      const h = e.tensor([0.5, 1.5, -2, 3, 4, 5, 6], [7], 'f16');
      same(await readAndDispose(await reshape(h, [7, 1])), [0.5, 1.5, -2, 3, 4, 5, 6]);
      h.dispose();
    }
  });

  it('rejects shapes with another element count', async () => {
    const x = engine().tensor(new Float32Array(6), [2, 3]);
    await expect(reshape(x, [4, 2])).rejects.toThrow(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\] \(8 elements\)/);
    await expect(reshape(x, [-1, -1])).rejects.toThrow(/more than one -1/);
    await expect(reshape(x, [4, -1])).rejects.toThrow(/reshape: cannot infer the -1 in \[4, -1\] for \[2, 3\]/);
    await expect(reshape(x, [2, 1.5])).rejects.toThrow(ShapeError);
    x.dispose();
  });
});

describe('cast', () => {
  const specials = [0, -0, 0.5, -0.5, 1.9999, -1.9999, 2.5, -2.5, 1e9, -1e9, 2147483520, 2147483648, 3e9, -3e9, 4294967040, 5e9,
    Infinity, -Infinity, NaN, 1e-45, -1e-40, 16777217, 65504, 65519, 65520, 1e-8, 2 ** -25, 1.5 * 2 ** -25, 2 ** -24,
    3 * 2 ** -26, 6.1e-5, 1 / 3, -0.1];
  const floats = Float32Array.from([...specials, ...randomF32(257, 9, -70000, 70000), ...randomF32(31, 10, -1e-4, 1e-4)]);

  it('f32 -> i32 / u32: truncate, saturate, NaN -> 0', async () => {
    const x = engine().tensor(floats);
    same(await readAndDispose(await cast(x, 'i32')), Array.from(floats, (v) => floatToInt(v, 'i32')));
    same(await readAndDispose(await cast(x, 'u32')), Array.from(floats, (v) => floatToInt(v, 'u32')));
    x.dispose();
  });

  it('i32 / u32 -> f32: round to nearest even', async () => {
    const ints = [0, 1, -1, 16777216, 16777217, 16777219, -16777217, 2 ** 31 - 1, -(2 ** 31), 2 ** 30 + 64, 2 ** 30 + 65, 123456789, -987654321];
    const xi = engine().tensor(Int32Array.from(ints));
    same(await readAndDispose(await cast(xi, 'f32')), ints.map(f));
    const uints = [0, 1, 16777217, 2 ** 32 - 1, 2 ** 31, 2 ** 31 + 128, 2 ** 31 + 129, 3000000001, 4294967040, 4294967168];
    const xu = engine().tensor(Uint32Array.from(uints));
    same(await readAndDispose(await cast(xu, 'f32')), uints.map(f));
    xi.dispose(); xu.dispose();
  });

  it('i32 <-> u32 keep the bits', async () => {
    const xi = engine().tensor(Int32Array.from([0, 1, -1, -(2 ** 31), 2 ** 31 - 1]));
    const u = await cast(xi, 'u32');
    same(await u.read(), [0, 1, 2 ** 32 - 1, 2 ** 31, 2 ** 31 - 1]);
    same(await readAndDispose(await cast(u, 'i32')), [0, 1, -1, -(2 ** 31), 2 ** 31 - 1]);
    u.dispose(); xi.dispose();
  });

  it('same dtype is a copy; sizes 1 and 257', async () => {
    for (const n of [1, 257]) {
      const d = randomF32(n, n);
      const x = engine().tensor(d);
      const y = await cast(x, 'f32');
      x.dispose();
      same(await readAndDispose(y), d);
    }
  });

  it('to and from f16 (odd lengths, subnormals, overflow, NaN)', async (ctx) => {
    const e = engine();
    if (!e.features.f16) {
      const x = e.tensor([1, 2, 3]);
      await expect(cast(x, 'f16')).rejects.toThrow(/cast: f16 tensors need/);
      x.dispose();
      ctx.skip();
    }
    for (const n of [1, 257, floats.length]) {
      const src = floats.subarray(0, n);
      const x = e.tensor(src);
      const h = await cast(x, 'f16');
      expect(h.dtype).toBe('f16');
      const halves = Array.from(src, roundToF16);
      same(await h.read(), halves);
      same(await readAndDispose(await cast(h, 'f32')), halves); // f16 -> f32 is exact
      same(await readAndDispose(await cast(h, 'i32')), halves.map((v) => floatToInt(v, 'i32')));
      same(await readAndDispose(await cast(h, 'u32')), halves.map((v) => floatToInt(v, 'u32')));
      same(await readAndDispose(await cast(h, 'f16')), halves);
      h.dispose(); x.dispose();
    }
    const ints = [0, 1, -1, 2049, 2051, -65504, 65519, 65520, 100000, -(2 ** 31), 2 ** 31 - 1];
    const xi = e.tensor(Int32Array.from(ints));
    same(await readAndDispose(await cast(xi, 'f16')), ints.map(roundToF16));
    xi.dispose();
    const uints = [0, 7, 2049, 65519, 65520, 2 ** 32 - 1];
    const xu = e.tensor(Uint32Array.from(uints));
    same(await readAndDispose(await cast(xu, 'f16')), uints.map(roundToF16));
    xu.dispose();
  });

  it('rejects unknown dtypes', async () => {
    const x = engine().tensor([1]);
    await expect(cast(x, 'f64' as 'f32')).rejects.toThrow(/cast: unknown dtype 'f64'/);
    x.dispose();
  });
});
