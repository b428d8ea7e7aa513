import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32, rng } from '../helpers/random.js';
import { U32, firstMismatch } from '../helpers/tolerance.js';
import { ScoreNet, AdamW, mlpLayers, ShapeError, ValueError, WGRAD_CHUNK, type MlpConfig } from '../../src/index.js';
import * as ref from '../reference/mlp.js';

const engine = useEngine();

// Rounding-error budget (reference/mlp.ts, "magnitudes"): the forward output has error
// <= K u |y|_abs with K = sum over layers of (n_in + 1) fma roundings plus 24 ULP for the
// activation (WGSL exp is 3 + 2|x| ULP; SiLU/tanh add a division and two adds; |z| < 8 here).
// The reverse pass repeats the chain backwards (2K), and weight gradients add a sum over the
// batch: serial within chunks of WGRAD_CHUNK rows, then over the ceil(rows / WGRAD_CHUNK) chunks
// (min(rows, WGRAD_CHUNK) + chunks more roundings).
function forwardK(layers: ref.RefLayer[]): number {
  return layers.reduce((s, L) => s + L.nIn + 1 + 24, 0);
}

interface Case { cfg: MlpConfig; batch: number }
const cases: Case[] = [
  { cfg: { dim: 1, hidden: 1, layers: 1, activation: 'silu', fourierFeatures: 0 }, batch: 1 },
  { cfg: { dim: 3, hidden: 3, layers: 2, activation: 'tanh', fourierFeatures: 2, residual: true, seed: 2 }, batch: 5 },
  { cfg: { dim: 2, hidden: 17, layers: 3, activation: 'silu', fourierFeatures: 4, residual: true, seed: 3 }, batch: 33 },
  { cfg: { dim: 5, hidden: 130, layers: 2, activation: 'relu', fourierFeatures: 3, seed: 4 }, batch: 7 },
  { cfg: { dim: 1, hidden: 17, layers: 4, activation: 'silu', fourierFeatures: 8, residual: true, seed: 5 }, batch: 130 },
  // vec4 weight loads (h % 4 == 0) and a batch over two weight-gradient chunks (521 = 512 + 9)
  { cfg: { dim: 2, hidden: 32, layers: 2, activation: 'silu', fourierFeatures: 2, residual: true, seed: 6 }, batch: 521 },
];

async function readParams(net: ScoreNet): Promise<Float32Array> {
  return net.params.read();
}

describe('score MLP kernels against the float64 reference', () => {
  for (const { cfg, batch } of cases) {
    const label = `d=${cfg.dim} h=${cfg.hidden} L=${cfg.layers} ${cfg.activation} nf=${cfg.fourierFeatures} res=${!!cfg.residual} batch=${batch}`;
    it(`forward, weight/bias/input gradients, divergence: ${label}`, async () => {
      const e = engine();
      const net = new ScoreNet(e, cfg);
      const { layers } = mlpLayers(cfg);
      const d = cfg.dim;
      const xd = randomF32(batch * d, 11 + batch, -2, 2);
      const td = randomF32(batch, 12 + batch, 0, 1);
      const rsd = randomF32(batch, 13 + batch, 0.5, 2);
      const cd = randomF32(batch * d, 14 + batch, -1, 1);
      const x = e.tensor(xd, [batch, d]);
      const t = e.tensor(td, [batch]);
      const rs = e.tensor(rsd, [batch]);
      const ct = e.tensor(cd, [batch, d]);
      const grads = e.empty([net.paramCount]);
      const p = await readParams(net);

      const ws = await net.forward(x, { t, rowScale: rs }, batch, { applyRowScale: true });
      // The reference starts from the kernel's own input rows: the Fourier features are checked
      // separately (their sin/cos have WGSL's absolute 2^-11 bound, which would swamp this test).
      const xin = await ws.xin.read();
      const y = await ws.a[layers.length - 1]!.read();
      await net.backward(ws, ct, { grads, inputGrad: true });
      const g = await grads.read();
      const dx = await ws.dx.read();

      const K = forwardK(layers);
      const wantY = new Float64Array(batch * d), magY = new Float64Array(batch * d);
      const wantG = new Float64Array(net.paramCount), magG = new Float64Array(net.paramCount);
      const wantDx = new Float64Array(batch * d), magDx = new Float64Array(batch * d);
      const w = net.inputWidth;
      for (let b = 0; b < batch; b++) {
        const row = Array.from(xin.subarray(b * w, (b + 1) * w));
        const pass = ref.forward(layers, p, row);
        const absRow = row.map(Math.abs);
        const fa = ref.forwardAbs(layers, p, absRow);
        for (let i = 0; i < d; i++) {
          wantY[b * d + i] = pass.y[i]! * rsd[b]!;
          magY[b * d + i] = fa.y[i]! * rsd[b]!;
        }
        const c = Array.from(cd.subarray(b * d, (b + 1) * d));
        const gin = ref.backward(layers, p, pass, c, wantG);
        const ginAbs = ref.backwardAbs(layers, p, pass, ref.layerInputsAbs(layers, p, absRow), fa.z, c, magG);
        for (let i = 0; i < d; i++) {
          wantDx[b * d + i] = gin[i]!;
          magDx[b * d + i] = ginAbs[i]!;
        }
      }
      expect(firstMismatch(y, wantY, (i) => (K + 2) * U32 * magY[i]!)).toBeNull();
      const sumK = Math.min(batch, WGRAD_CHUNK) + Math.ceil(batch / WGRAD_CHUNK);
      expect(firstMismatch(g, wantG, (i) => (2 * K + sumK) * U32 * magG[i]! + 1e-30)).toBeNull();
      expect(firstMismatch(dx, wantDx, (i) => 2 * K * U32 * magDx[i]! + 1e-30)).toBeNull();

      // Exact divergence (Jacobian trace by d reverse passes) and Hutchinson's v^T J v.
      const probeD = Float32Array.from({ length: batch * d }, (_, i) => ((i * 2654435761) >>> 7) & 1 ? 1 : -1);
      const probe = e.tensor(probeD, [batch, d]);
      const ex = await net.scoreAndDivergence(x, { t, rowScale: rs }, batch, 'exact');
      const hu = await net.scoreAndDivergence(x, { t, rowScale: rs }, batch, 'hutchinson', { probe });
      const [sEx, divEx, sHu, divHu] = await Promise.all([ex.score.read(), ex.div.read(), hu.score.read(), hu.div.read()]);
      const wantDiv = new Float64Array(batch), wantVJv = new Float64Array(batch), magDiv = new Float64Array(batch);
      for (let b = 0; b < batch; b++) {
        const row = Array.from(xin.subarray(b * w, (b + 1) * w));
        const J = ref.jacobian(layers, p, row, d);
        const fa = ref.forwardAbs(layers, p, row.map(Math.abs));
        let tr = 0, q = 0, mag = 0;
        for (let i = 0; i < d; i++) {
          tr += J[i]![i]!;
          for (let j = 0; j < d; j++) q += probeD[b * d + i]! * J[i]![j]! * probeD[b * d + j]!;
          const c = new Array<number>(d).fill(0);
          c[i] = 1;
          mag += ref.backwardAbs(layers, p, ref.forward(layers, p, row), ref.layerInputsAbs(layers, p, row.map(Math.abs)), fa.z, c, new Float64Array(net.paramCount)).reduce((s, v) => s + v, 0);
        }
        wantDiv[b] = tr * rsd[b]!;
        wantVJv[b] = q * rsd[b]!;
        magDiv[b] = mag * rsd[b]!;
      }
      expect(firstMismatch(divEx, wantDiv, (i) => (2 * K + d + 2) * U32 * magDiv[i]! + 1e-30)).toBeNull();
      expect(firstMismatch(divHu, wantVJv, (i) => (2 * K + d + 2) * U32 * magDiv[i]! + 1e-30)).toBeNull();
      expect(firstMismatch(sEx, wantY, (i) => (K + 2) * U32 * magY[i]!)).toBeNull();
      expect(firstMismatch(sHu, wantY, (i) => (K + 2) * U32 * magY[i]!)).toBeNull();
      for (const z of [x, t, rs, ct, grads, probe, ex.score, ex.div, hu.score, hu.div]) z.dispose();
      net.dispose();
    });
  }

  it('the float64 reference gradients agree with central finite differences', () => {
    // Checks the reference itself, so the GPU comparison above is against true derivatives.
    // Central differences with step h have truncation error ~ h^2 |f'''| and rounding ~ eps/h;
    // h = 1e-5 gives about 1e-10 relative, so 1e-7 relative is a safe bound.
    const cfg: MlpConfig = { dim: 3, hidden: 7, layers: 3, activation: 'silu', fourierFeatures: 2, residual: true, seed: 9 };
    const { layers, paramCount, inputWidth } = mlpLayers(cfg);
    const r = rng(5);
    const p = Float64Array.from({ length: paramCount }, () => r() - 0.5);
    const xin = Array.from({ length: inputWidth }, () => 2 * r() - 1);
    const c = [0.3, -1.2, 0.7];
    const f = (pp: ArrayLike<number>, xx: number[]) => ref.forward(layers, pp, xx).y.reduce((s, v, i) => s + v * c[i]!, 0);
    const g = new Float64Array(paramCount);
    const gin = ref.backward(layers, p, ref.forward(layers, p, xin), c, g);
    const h = 1e-5;
    for (let k = 0; k < paramCount; k += 7) {
      const pp = Float64Array.from(p), pm = Float64Array.from(p);
      pp[k]! += h;
      pm[k]! -= h;
      const fd = (f(pp, xin) - f(pm, xin)) / (2 * h);
      expect(Math.abs(fd - g[k]!)).toBeLessThan(1e-7 * (1 + Math.abs(g[k]!)));
    }
    for (let k = 0; k < 3; k++) {
      const xp = xin.slice(), xm = xin.slice();
      xp[k]! += h;
      xm[k]! -= h;
      const fd = (f(p, xp) - f(p, xm)) / (2 * h);
      expect(Math.abs(fd - gin[k]!)).toBeLessThan(1e-7 * (1 + Math.abs(gin[k]!)));
    }
  });

  it('Fourier time features within WGSL sin/cos accuracy', async () => {
    const e = engine();
    const cfg: MlpConfig = { dim: 2, hidden: 3, layers: 1, fourierFeatures: 5, fourierScale: 3, seed: 7 };
    const net = new ScoreNet(e, cfg);
    const batch = 9;
    const x = e.tensor(randomF32(batch * 2, 1), [batch, 2]);
    const w = await net.fourier.read();
    const ws = await net.forward(x, { t: 0.37, rowScale: 1 }, batch);
    const xin = await ws.xin.read();
    const xd = await x.read();
    const want = new Float64Array(xin.length);
    for (let b = 0; b < batch; b++) want.set(ref.embed(xd.subarray(2 * b, 2 * b + 2), Math.fround(0.37), w, 5), b * net.inputWidth);
    // WGSL: sin/cos absolute error 2^-11 on [-pi, pi]; the argument 2 pi fract(w t) carries the
    // rounding of w t and of the product (a few u times 2 pi |w t| ... <= 2 pi 2^-22 here).
    expect(firstMismatch(xin, want, () => 2 ** -11 + 2 ** -19)).toBeNull();
    x.dispose();
    net.dispose();
  });

  it('rejects bad configs and shapes', async () => {
    const e = engine();
    expect(() => new ScoreNet(e, { dim: 0, hidden: 3, layers: 1 })).toThrow(ValueError);
    expect(() => new ScoreNet(e, { dim: 2, hidden: 3, layers: 1, activation: 'gelu' as never })).toThrow(/unknown activation 'gelu'/);
    const net = new ScoreNet(e, { dim: 2, hidden: 3, layers: 1 });
    const x = e.tensor(new Float32Array(9), [3, 3]);
    await expect(net.forward(x, { t: 0.5, rowScale: 1 }, 3)).rejects.toThrow(ShapeError);
    await expect(net.forward(x, { t: 0.5, rowScale: 1 }, 3)).rejects.toThrow(/ScoreNet.forward: x \[3, 3\] must be \[batch, 2\]/);
    await expect(net.forward(x, { t: NaN, rowScale: 1 }, 3, { xStride: 3 })).rejects.toThrow(/t must be finite/);
    x.dispose();
    net.dispose();
  });
});

describe('AdamW with global-norm clipping and EMA', () => {
  it('matches the float64 update over three steps', async () => {
    const e = engine();
    const n = 1031;
    const p0 = randomF32(n, 21);
    const params = e.tensor(p0);
    const opt = new AdamW(e, params, { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, maxGradNorm: 3, emaDecay: 0.9 });
    const p = Float64Array.from(p0), m = new Float64Array(n), v = new Float64Array(n), ema = Float64Array.from(p0);
    for (let step = 1; step <= 3; step++) {
      const gd = randomF32(n, 30 + step, -step, step); // norms ~ 18 step: clipping is active
      const g = e.tensor(gd);
      await opt.update(g);
      g.dispose();
      const norm = Math.sqrt(gd.reduce((s, x) => s + x * x, 0));
      const sc = norm > 3 ? 3 / norm : 1;
      for (let i = 0; i < n; i++) {
        const gi = gd[i]! * sc;
        m[i] = 0.8 * m[i]! + 0.2 * gi;
        v[i] = 0.95 * v[i]! + 0.05 * gi * gi;
        p[i] = p[i]! - 0.01 * ((m[i]! / (1 - 0.8 ** step)) / (Math.sqrt(v[i]! / (1 - 0.95 ** step)) + 1e-6) + 0.1 * p[i]!);
        ema[i] = 0.9 * ema[i]! + 0.1 * p[i]!;
      }
    }
    // Each step's update is lr * (a ratio of order 1) computed with ~12 roundings, plus the
    // norm (a 1031-term sum: (1031/256 + 8) u relative); three steps add up: 3 * 40 u * lr
    // relative to the step, on top of rounding p itself (u |p| per step).
    const got = await params.read();
    const gotEma = await opt.ema.read();
    expect(firstMismatch(got, p, (i) => 3 * (40 * U32 * 0.01 * 3 + 2 * U32 * Math.abs(p[i]!)))).toBeNull();
    expect(firstMismatch(gotEma, ema, (i) => 3 * (40 * U32 * 0.01 * 3 + 4 * U32 * Math.abs(ema[i]!)))).toBeNull();
    // stats[0] holds |g|^2 of the last gradient: a 1031-term sum, (1031/256 + 8 + 1) u relative
    const last = randomF32(n, 33, -3, 3).reduce((s, x) => s + x * x, 0);
    expect(Math.abs((await opt.stats.read())[0]! - last)).toBeLessThan(14 * U32 * last);
    params.dispose();
    opt.dispose();
  });

  it('rejects bad hyperparameters and mismatched gradients', async () => {
    const e = engine();
    const params = e.tensor(new Float32Array(4));
    expect(() => new AdamW(e, params, { lr: -1 })).toThrow(/AdamW: lr = -1 is out of range/);
    expect(() => new AdamW(e, params, { beta2: 1 })).toThrow(ValueError);
    const opt = new AdamW(e, params);
    const g = e.tensor(new Float32Array(5));
    await expect(opt.update(g)).rejects.toThrow(/AdamW: grads has 5 values, the parameters 4/);
    g.dispose();
    opt.dispose();
    params.dispose();
  });
});
