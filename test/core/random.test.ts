import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { philox4x32, philoxStream, uniformFromBits, normalPairFromBits, normalPairF64 } from '../reference/philox.js';
import { ksStatistic, meanVar, normalCdf } from '../reference/stats.js';
import { randomBits, randomUniform, randomNormal, ValueError, ShapeError, type Tensor, type DType } from '../../src/index.js';

const engine = useEngine();

async function readAndDispose<D extends DType>(t: Tensor<D>) {
  const r = await t.read();
  t.dispose();
  return r;
}

const hex = (a: ArrayLike<number>) => Array.from(a, (x) => (x >>> 0).toString(16).padStart(8, '0')).join(' ');
const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

// Random123's kat_vectors for philox4x32 with 10 rounds: counter (4 words), key (2 words), result.
const KAT: [number[], number[], string][] = [
  [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
];
const big = (words: number[]) => words.reduceRight((acc, w) => (acc << 32n) | BigInt(w >>> 0), 0n);

describe('Philox4x32-10 stream', () => {
  it('host reference reproduces the known-answer vectors', () => {
    for (const [c, k, want] of KAT) expect(hex(philox4x32(c, k))).toBe(want);
  });

  it('randomBits reproduces the known-answer vectors on the GPU', async () => {
    for (const [c, k, want] of KAT) {
      const t = await randomBits(engine(), 4, big(k), { offset: big(c) });
      expect(hex(await readAndDispose(t))).toBe(want);
    }
  });

  for (const n of [1, 3, 5, 257, 4099]) {
    it(`randomBits n=${n} equals the host reference exactly`, async () => {
      const seed = 0x1234_5678_9abcn + BigInt(n);
      const got = await readAndDispose(await randomBits(engine(), n, seed));
      expect(hex(got)).toBe(hex(philoxStream(n, seed)));
    });
  }

  it('carries through the 128-bit counter', async () => {
    for (const offset of [0xffffffffn, 0xffffffff_ffffffffn, (1n << 96n) - 2n, (1n << 128n) - 3n]) {
      const got = await readAndDispose(await randomBits(engine(), [3, 7], 99, { offset }));
      expect(hex(got)).toBe(hex(philoxStream(21, 99n, offset)));
    }
  });

  it('is the same between runs, and differs between seeds', async () => {
    const a = await readAndDispose(await randomBits(engine(), 1000, 7));
    const b = await readAndDispose(await randomBits(engine(), 1000, 7));
    const c = await readAndDispose(await randomBits(engine(), 1000, 8));
    expect(hex(a)).toBe(hex(b));
    expect(a.filter((x, i) => x === c[i]).length).toBeLessThan(3);
  });
});

describe('randomUniform', () => {
  const cases: [number, number, number][] = [[0, 1, 257], [-3, 5, 1031], [1e-3, 2e-3, 17], [-7.25, -7, 4]];
  for (const [low, high, n] of cases) {
    it(`[${low}, ${high}) n=${n} equals the float32 reference bit for bit`, async () => {
      const seed = 2024 + n;
      const got = await readAndDispose(await randomUniform(engine(), [n], { seed, low, high }));
      const words = philoxStream(n, BigInt(seed));
      const want = Float32Array.from(words, (x) => uniformFromBits(x, low, high));
      expect(hex(bitsOf(got))).toBe(hex(bitsOf(want)));
      for (const v of got) expect(v >= Math.fround(low) && v < Math.fround(high)).toBe(true);
    });
  }

  it('never returns high, even when rounding reaches it', async () => {
    // range = 2 ULP of low: about a quarter of the draws round to high and must be clamped.
    const low = 1, high = 1 + 2 ** -22;
    const got = await readAndDispose(await randomUniform(engine(), 4000, { seed: 5, low, high }));
    const want = Float32Array.from(philoxStream(4000, 5n), (x) => uniformFromBits(x, low, high));
    expect(hex(bitsOf(got))).toBe(hex(bitsOf(want)));
    expect(Math.max(...got)).toBe(1 + 2 ** -23);
  });

  it('has the mean and variance of U(0, 1) within 5 standard errors, and passes KS (n = 1e5)', async () => {
    const n = 100_000;
    const x = await readAndDispose(await randomUniform(engine(), n, { seed: 31337 }));
    const { mean, variance } = meanVar(x);
    // U(0,1): variance 1/12; the sample variance's variance is (mu4 - sigma^4) / n, mu4 = 1/80.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / n));
    // Kolmogorov's distribution: P(sqrt(n) D > 1.95) = 0.001.
    expect(ksStatistic(x, (v) => Math.min(1, Math.max(0, v)))).toBeLessThan(1.95);
  });

  it('rejects bad options', async () => {
    const e = engine();
    await expect(randomUniform(e, 4, { seed: 1, low: 1, high: 1 })).rejects.toThrow(ValueError);
    await expect(randomUniform(e, 4, { seed: 1, low: 2, high: 1 })).rejects.toThrow(/randomUniform: need finite float32 low < high.*low = 2, high = 1/);
    await expect(randomUniform(e, 4, { seed: 1, low: -3e38, high: 3e38 })).rejects.toThrow(ValueError);
    await expect(randomUniform(e, 4, { seed: -1 })).rejects.toThrow(/randomUniform: seed -1/);
    await expect(randomUniform(e, 4, { seed: 1.5 })).rejects.toThrow(ValueError);
    await expect(randomUniform(e, 4, { seed: 1n << 64n })).rejects.toThrow(/seed .* \[0, 2\^64\)/);
    await expect(randomUniform(e, 4, { seed: 1, offset: -1n })).rejects.toThrow(/offset/);
    await expect(randomUniform(e, 4, {} as { seed: number })).rejects.toThrow(/seed is required/);
    await expect(randomUniform(e, [2, -1], { seed: 1 })).rejects.toThrow(ShapeError);
    await expect(randomBits(e, 2.5, 1)).rejects.toThrow(/randomBits: shape \[2.5\]/);
  });
});

describe('randomNormal', () => {
  // Box-Muller in float32 against float64 on the same words: ln, sqrt and sin/cos are each
  // within 2-4 units of u = 2^-24 relative, the products add 3 roundings: 16 u (1 + |z|)
  // covers the sum with room (measured maximum 8.9e-7).
  const U = 2 ** -24;

  for (const [n, mean, std] of [[1, 0, 1], [7, 0, 1], [257, 2, 0.5], [4099, -1, 3]] as const) {
    it(`n=${n} mean=${mean} std=${std} equals the float32 reference bit for bit`, async () => {
      const seed = 77n + BigInt(n);
      const got = await readAndDispose(await randomNormal(engine(), n, { seed, mean, std }));
      const words = philoxStream(4 * Math.ceil(n / 4), seed);
      const want = new Float32Array(4 * Math.ceil(n / 4));
      for (let i = 0; i < want.length; i += 2) want.set(normalPairFromBits(words[i]!, words[i + 1]!, mean, std), i);
      expect(hex(bitsOf(got))).toBe(hex(bitsOf(want.subarray(0, n))));
    });
  }

  it('is within 16 u (1 + |z|) of float64 Box-Muller and the same between runs', async () => {
    const n = 20_000;
    const a = await readAndDispose(await randomNormal(engine(), n, { seed: 4 }));
    const b = await readAndDispose(await randomNormal(engine(), n, { seed: 4 }));
    expect(hex(bitsOf(a))).toBe(hex(bitsOf(b)));
    const words = philoxStream(n, 4n);
    let worst = 0;
    for (let i = 0; i < n; i += 2) {
      const z = normalPairF64(words[i]!, words[i + 1]!);
      for (let k = 0; k < 2; k++) worst = Math.max(worst, Math.abs(a[i + k]! - z[k]!) / (16 * U * (1 + Math.abs(z[k]!))));
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('has mean 0 and variance 1 within 5 standard errors, and passes KS against the normal CDF (n = 1e5)', async () => {
    const n = 100_000;
    const z = await readAndDispose(await randomNormal(engine(), [100, 1000], { seed: 2718 }));
    const { mean, variance } = meanVar(z);
    // N(0,1): SE of the mean 1/sqrt(n); of the sample variance sqrt(2 / n).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(ksStatistic(z, normalCdf)).toBeLessThan(1.95);
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(48 * Math.LN2) + 1e-5);
  });

  it('rejects bad options', async () => {
    const e = engine();
    await expect(randomNormal(e, 4, { seed: 1, std: -1 })).rejects.toThrow(/randomNormal: need .* std = -1/);
    await expect(randomNormal(e, 4, { seed: 1, mean: NaN })).rejects.toThrow(ValueError);
  });
});
