import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import { firstMismatch, ulpBound } from '../helpers/tolerance.js';
import { add, sub, mul, div, maximum, minimum, pow, exp, log, neg, abs, sqrt, relu, silu, tanh, sigmoid, xlogx, scale, ShapeError, DTypeError, type Tensor } from '../../src/index.js';

const engine = useEngine();

function broadcastRef(a: Float32Array, as: number[], b: Float32Array, bs: number[], f: (x: number, y: number) => number) {
  const rank = Math.max(as.length, bs.length);
  const pa = [...Array(rank - as.length).fill(1), ...as];
  const pb = [...Array(rank - bs.length).fill(1), ...bs];
  const os = pa.map((d, i) => Math.max(d, pb[i]!));
  const n = os.reduce((x, y) => x * y, 1);
  const out = new Float64Array(n);
  const idx = new Array(rank).fill(0);
  for (let t = 0; t < n; t++) {
    let rem = t;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rem % os[d]!;
      rem = Math.floor(rem / os[d]!);
    }
    let ia = 0, ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * pa[d]! + (pa[d] === 1 ? 0 : idx[d]);
      ib = ib * pb[d]! + (pb[d] === 1 ? 0 : idx[d]);
    }
    out[t] = f(a[ia]!, b[ib]!);
  }
  return { out, shape: os };
}

async function readAndDispose(t: Tensor) {
  const r = await t.read();
  t.dispose();
  return r;
}

describe('binary elementwise', () => {
  const cases: [number[], number[]][] = [
    [[1], [1]],
    [[7], [7]],
    [[257], [257]],
    [[1031], [1]],
    [[3, 1], [1, 5]],
    [[2, 3, 4], [4]],
    [[5, 1, 7], [1, 3, 1]],
    [[2, 1, 3, 1, 2, 3], [1, 2, 1, 5, 1, 1]],
  ];
  const ops = {
    add: [add, (x: number, y: number) => x + y],
    sub: [sub, (x: number, y: number) => x - y],
    mul: [mul, (x: number, y: number) => x * y],
    div: [div, (x: number, y: number) => x / y],
    max: [maximum, Math.max],
    min: [minimum, Math.min],
  } as const;
  for (const [as, bs] of cases) {
    for (const [name, [fn, ref]] of Object.entries(ops)) {
      it(`${name} ${JSON.stringify(as)} with ${JSON.stringify(bs)}`, async () => {
        const e = engine();
        const ad = randomF32(as.reduce((x, y) => x * y, 1), 1);
        const bd = randomF32(bs.reduce((x, y) => x * y, 1), 2, 0.5, 2);
        const a = e.tensor(ad, as), b = e.tensor(bd, bs);
        const c = await fn(a, b);
        const want = broadcastRef(ad, as, bd, bs, ref);
        expect(c.shape).toEqual(want.shape);
        const got = await readAndDispose(c);
        a.dispose(); b.dispose();
        // correctly rounded: half an ULP of the result
        expect(firstMismatch(got, want.out, ulpBound(want.out, 0.5))).toBeNull();
      });
    }
  }

  it('pow for positive bases', async () => {
    const e = engine();
    const ad = randomF32(101, 3, 0.1, 4), bd = randomF32(101, 4, -2, 2);
    const a = e.tensor(ad), b = e.tensor(bd);
    const got = await readAndDispose(await pow(a, b));
    a.dispose(); b.dispose();
    const want = Float64Array.from(ad, (x, i) => Math.pow(x, bd[i]!));
    // exp2(y log2 x): log2 err amplified by |y log x| plus exp2's 3 ULP (WGSL accuracy rules)
    expect(firstMismatch(got, want, (i) => (3 + 2 * Math.abs(bd[i]! * Math.log2(ad[i]!)) + 4) * 2 ** -23 * Math.abs(want[i]!) + 2 ** -21)).toBeNull();
  });

  it('i32 add with broadcasting', async () => {
    const e = engine();
    const a = e.tensor(new Int32Array([1, -2, 3, 4, 5, 6]), [2, 3]);
    const b = e.tensor(new Int32Array([10, 20, 30]), [3]);
    const c = await add(a, b);
    expect(Array.from(await readAndDispose(c))).toEqual([11, 18, 33, 14, 25, 36]);
    a.dispose(); b.dispose();
  });

  it('rejects shapes that do not broadcast and mixed dtypes', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(6), [2, 3]);
    const b = e.tensor(new Float32Array(4), [4]);
    const i = e.tensor(new Int32Array(6), [2, 3]);
    await expect(add(a, b)).rejects.toThrow(ShapeError);
    await expect(add(a, b)).rejects.toThrow(/add: shapes \[2, 3\] and \[4\] cannot be broadcast/);
    await expect(add(a, i)).rejects.toThrow(DTypeError);
    await expect(exp(i)).rejects.toThrow(/exp: .* expected f32/);
    a.dispose(); b.dispose(); i.dispose();
  });
});

describe('unary elementwise', () => {
  const sizes = [1, 3, 4, 5, 257, 4099];
  const cases = {
    exp: [exp, Math.exp, -10, 10],
    log: [log, Math.log, 1e-3, 100],
    neg: [neg, (x: number) => -x, -5, 5],
    abs: [abs, Math.abs, -5, 5],
    sqrt: [sqrt, Math.sqrt, 0, 100],
    relu: [relu, (x: number) => Math.max(0, x), -5, 5],
    silu: [silu, (x: number) => x / (1 + Math.exp(-x)), -30, 30],
    tanh: [tanh, Math.tanh, -30, 30],
    sigmoid: [sigmoid, (x: number) => 1 / (1 + Math.exp(-x)), -60, 60],
    xlogx: [xlogx, (x: number) => (x > 0 ? x * Math.log(x) : 0), 0, 3],
  } as const;
  // WGSL: exp within 3 + 2|x| ULP; log absolute 2^-21 on [0.5, 2] else 3 ULP; composites
  // add a few ULP per operation. Exact ops (neg, abs, relu) get zero slack.
  const ulps: Record<string, (x: number) => number> = {
    exp: (x) => 3 + 2 * Math.abs(x), log: () => 3, neg: () => 0, abs: () => 0, sqrt: () => 1, relu: () => 0,
    silu: (x) => 8 + 2 * Math.abs(x), tanh: () => 8, sigmoid: (x) => 8 + 2 * Math.abs(x), xlogx: () => 6,
  };
  const absFloor: Record<string, number> = { log: 2 ** -21, xlogx: 2 ** -20, tanh: 2 ** -22, silu: 2 ** -22, sigmoid: 2 ** -40 };
  for (const n of sizes) {
    for (const [name, [fn, ref, lo, hi]] of Object.entries(cases)) {
      it(`${name} n=${n}`, async () => {
        const e = engine();
        const xd = randomF32(n, n + name.length, lo, hi);
        if (name === 'xlogx' && n > 1) xd[0] = 0;
        const x = e.tensor(xd);
        const got = await readAndDispose(await fn(x));
        x.dispose();
        const want = Float64Array.from(xd, ref);
        const bound = (i: number) => Math.max(ulps[name]!(xd[i]!), 0.5) * 2 ** -23 * Math.abs(want[i]!) + (absFloor[name] ?? 0);
        expect(firstMismatch(got, want, bound)).toBeNull();
        expect(Array.from(got).some(Number.isNaN)).toBe(false);
      });
    }
  }

  it('scale and xlogx(0) = 0', async () => {
    const e = engine();
    const x = e.tensor([0, 1, 2, 0.5]);
    expect(Array.from(await readAndDispose(await scale(x, 3)))).toEqual([0, 3, 6, 1.5]);
    const xl = await readAndDispose(await xlogx(x));
    expect(xl[0]).toBe(0);
    x.dispose();
  });
});

describe('contiguous fast paths', () => {
  it('i32 and u32 same-shape ops over whole vec4s plus a tail (exact, wrapping)', async () => {
    const e = engine();
    for (const n of [3, 4099]) {
      const ad = Int32Array.from({ length: n }, (_, i) => (i * 2654435761) | 0);
      const bd = Int32Array.from({ length: n }, (_, i) => (i * 40503 - 7) | 0);
      const a = e.tensor(ad, [n], 'i32'), b = e.tensor(bd, [n], 'i32');
      const got = await readAndDispose(await add(a, b));
      expect(Array.from(got)).toEqual(Array.from(ad, (v, i) => (v + bd[i]!) | 0));
      const ua = e.tensor(new Uint32Array(ad.buffer), [n], 'u32');
      const gotU = await readAndDispose(await neg(a));
      expect(Array.from(gotU)).toEqual(Array.from(ad, (v) => -v | 0));
      const gotM = await readAndDispose(await maximum(ua, ua));
      expect(Array.from(gotM)).toEqual(Array.from(new Uint32Array(ad.buffer)));
      a.dispose(); b.dispose(); ua.dispose();
    }
  });

  it('buffers with no room past the tensor (wrapped, exact size) take the scalar kernel', async () => {
    const e = engine();
    const n = 5; // 20 bytes: a vec4 view would need 32
    const usage = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
    const xd = randomF32(n, 3, -2, 2), yd = randomF32(n, 4, -2, 2);
    const bufs = [xd, yd].map((d) => {
      const buf = e.device.createBuffer({ size: 4 * n, usage });
      e.device.queue.writeBuffer(buf, 0, new Float32Array(d));
      return buf;
    });
    const x = e.wrap(bufs[0]!, [n]), y = e.wrap(bufs[1]!, [n]);
    expect(Array.from(await readAndDispose(await add(x, y)))).toEqual(Array.from(xd, (v, i) => Math.fround(v + yd[i]!)));
    expect(Array.from(await readAndDispose(await neg(x)))).toEqual(Array.from(xd, (v) => -v));
    x.dispose(); y.dispose();
    for (const b of bufs) b.destroy();
  });
});
