// The fused one-dispatch forward (shaders/nn/mlp_fused_forward.wgsl) against the per-layer
// kernels and the float64 reference MLP, at awkward widths and batches.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import { U32, firstMismatch } from '../helpers/tolerance.js';
import { ScoreNet, mlpLayers, LimitError, ValueError, type MlpConfig, type Tensor } from '../../src/index.js';
import * as ref from '../reference/mlp.js';

const engine = useEngine();

// Rounding budget as in mlp.test.ts: each output is off the float64 value by at most
// (K + 2) u |y|_abs, K = sum over layers of (n_in + 1) fma roundings + 24 ULP for the
// activation, plus the row scale (1) and slack (1). Two float32 paths that each meet that bound
// differ by at most twice it.
const forwardK = (layers: ref.RefLayer[]) => layers.reduce((s, L) => s + L.nIn + 1 + 24, 0);

interface Case { cfg: MlpConfig; batch: number; perRowT: boolean; stride?: number }
const cases: Case[] = [
  { cfg: { dim: 1, hidden: 1, layers: 1, activation: 'silu', fourierFeatures: 0 }, batch: 1, perRowT: false },
  { cfg: { dim: 1, hidden: 1, layers: 3, activation: 'tanh', fourierFeatures: 1, residual: true, seed: 2 }, batch: 33, perRowT: true },
  { cfg: { dim: 3, hidden: 3, layers: 3, activation: 'tanh', fourierFeatures: 2, residual: true, seed: 3 }, batch: 5, perRowT: true },
  { cfg: { dim: 2, hidden: 3, layers: 2, activation: 'relu', fourierFeatures: 3, seed: 4 }, batch: 130, perRowT: false, stride: 3 },
  { cfg: { dim: 2, hidden: 17, layers: 4, activation: 'relu', fourierFeatures: 4, residual: true, seed: 5 }, batch: 33, perRowT: true },
  { cfg: { dim: 2, hidden: 17, layers: 3, activation: 'silu', fourierFeatures: 16, seed: 6 }, batch: 1000, perRowT: true },
  { cfg: { dim: 2, hidden: 130, layers: 3, activation: 'silu', fourierFeatures: 8, seed: 7 }, batch: 130, perRowT: false },
  { cfg: { dim: 5, hidden: 130, layers: 2, activation: 'relu', fourierFeatures: 3, residual: true, seed: 8 }, batch: 1, perRowT: true },
  { cfg: { dim: 4, hidden: 256, layers: 2, activation: 'relu', fourierFeatures: 2, seed: 9 }, batch: 5, perRowT: true },
  { cfg: { dim: 2, hidden: 256, layers: 3, activation: 'tanh', fourierFeatures: 16, residual: true, seed: 10 }, batch: 1000, perRowT: false, stride: 3 },
  { cfg: { dim: 3, hidden: 256, layers: 4, activation: 'silu', fourierFeatures: 5, residual: true, seed: 11 }, batch: 130, perRowT: true },
];

/** Inputs of one case: x (stride `stride`), t and row scale per row or constant. */
function inputs(e: ReturnType<typeof engine>, c: Case) {
  const d = c.cfg.dim;
  const stride = c.stride ?? d;
  const xd = randomF32(c.batch * stride, 100 + c.batch, -2, 2);
  const td = randomF32(c.batch, 200 + c.batch, 0, 1);
  const rsd = randomF32(c.batch, 300 + c.batch, 0.5, 2);
  const x = stride === d ? e.tensor(xd, [c.batch, d]) : e.tensor(xd, [c.batch, stride]);
  const t = e.tensor(td, [c.batch]);
  const rs = e.tensor(rsd, [c.batch]);
  const time = c.perRowT ? { t, rowScale: rs } : { t: 0.3, rowScale: 1.7 };
  const rowScale = (b: number) => (c.perRowT ? rsd[b]! : Math.fround(1.7));
  return { x, t, rs, time, stride, rowScale, dispose: () => [x, t, rs].forEach((z) => z.dispose()) };
}

describe('fused MLP forward', () => {
  for (const c of cases) {
    const { cfg, batch } = c;
    const label = `d=${cfg.dim} h=${cfg.hidden} L=${cfg.layers} ${cfg.activation} res=${!!cfg.residual} batch=${batch}${c.perRowT ? ' t per row' : ''}${c.stride ? ` stride ${c.stride}` : ''}`;
    it(`matches the per-layer path and the float64 reference: ${label}`, async () => {
      const e = engine();
      const net = new ScoreNet(e, cfg);
      const { layers } = mlpLayers(cfg);
      const d = cfg.dim;
      const inp = inputs(e, c);
      const p = await net.params.read();
      expect(net.fusedPlan(batch)).not.toBeNull();

      const fused = await net.score(inp.x, inp.time, batch, { xStride: inp.stride, path: 'fused' });
      const layered = await net.score(inp.x, inp.time, batch, { xStride: inp.stride, path: 'layered' });
      // The reference starts from embed_time's input rows (left in the workspace by the layered
      // path): the fused kernel computes the same sin/cos expressions, and WGSL's 2^-11 absolute
      // sin/cos bound would swamp this comparison (mlp.test.ts checks the features themselves).
      const xin = await net.workspace(batch).xin.read();
      const [yf, yl] = await Promise.all([fused.read(), layered.read()]);

      const K = forwardK(layers);
      const want = new Float64Array(batch * d), mag = new Float64Array(batch * d);
      const w = net.inputWidth;
      for (let b = 0; b < batch; b++) {
        const row = Array.from(xin.subarray(b * w, (b + 1) * w));
        const y = ref.forward(layers, p, row).y;
        const fa = ref.forwardAbs(layers, p, row.map(Math.abs)).y;
        for (let i = 0; i < d; i++) {
          want[b * d + i] = y[i]! * inp.rowScale(b);
          mag[b * d + i] = fa[i]! * inp.rowScale(b);
        }
      }
      const bound = (i: number) => (K + 2) * U32 * mag[i]!;
      expect(firstMismatch(yf, want, bound)).toBeNull();
      expect(firstMismatch(yl, want, bound)).toBeNull();
      expect(firstMismatch(yf, yl, (i) => 2 * bound(i))).toBeNull();
      fused.dispose();
      layered.dispose();
      inp.dispose();
      net.dispose();
    });
  }

  // The divergence's primal pass may run fused (pre-activations kept for the reverse pass).
  for (const c of [cases[2]!, cases[7]!]) {
    const { cfg, batch } = c;
    it(`divergence with the fused primal pass matches the float64 Jacobian: d=${cfg.dim} h=${cfg.hidden} ${cfg.activation} res=${!!cfg.residual} batch=${batch}`, async () => {
      const e = engine();
      const net = new ScoreNet(e, cfg);
      const { layers } = mlpLayers(cfg);
      const d = cfg.dim;
      const inp = inputs(e, c);
      const p = await net.params.read();
      const probeD = Float32Array.from({ length: batch * d }, (_, i) => ((i * 2654435761) >>> 9) & 1 ? 1 : -1);
      const probe = e.tensor(probeD, [batch, d]);
      const ex = await net.scoreAndDivergence(inp.x, inp.time, batch, 'exact', { path: 'fused' });
      const hu = await net.scoreAndDivergence(inp.x, inp.time, batch, 'hutchinson', { path: 'fused', probe });
      const [sEx, divEx, sHu, divHu] = await Promise.all([ex.score.read(), ex.div.read(), hu.score.read(), hu.div.read()]);
      // embed_time's rows (see above), from a per-layer forward
      const ws = await net.forward(inp.x, inp.time, batch, { path: 'layered' });
      const xin = await ws.xin.read();
      const w = net.inputWidth;
      const K = forwardK(layers);
      const wantDiv = new Float64Array(batch), wantVJv = new Float64Array(batch), magDiv = new Float64Array(batch);
      const wantY = new Float64Array(batch * d), magY = new Float64Array(batch * d);
      for (let b = 0; b < batch; b++) {
        const row = Array.from(xin.subarray(b * w, (b + 1) * w));
        const J = ref.jacobian(layers, p, row, d);
        const pass = ref.forward(layers, p, row);
        const absRow = row.map(Math.abs);
        const fa = ref.forwardAbs(layers, p, absRow);
        const inAbs = ref.layerInputsAbs(layers, p, absRow);
        let tr = 0, q = 0, m = 0;
        for (let i = 0; i < d; i++) {
          tr += J[i]![i]!;
          for (let j = 0; j < d; j++) q += probeD[b * d + i]! * J[i]![j]! * probeD[b * d + j]!;
          const ct = new Array<number>(d).fill(0);
          ct[i] = 1;
          m += ref.backwardAbs(layers, p, pass, inAbs, fa.z, ct, new Float64Array(net.paramCount)).reduce((s, v) => s + v, 0);
          wantY[b * d + i] = pass.y[i]! * inp.rowScale(b);
          magY[b * d + i] = fa.y[i]! * inp.rowScale(b);
        }
        wantDiv[b] = tr * inp.rowScale(b);
        wantVJv[b] = q * inp.rowScale(b);
        magDiv[b] = m * inp.rowScale(b);
      }
      // as in mlp.test.ts: forward and reverse chains (2K), the d-term trace and the scale
      const dBound = (i: number) => (2 * K + d + 2) * U32 * magDiv[i]! + 1e-30;
      expect(firstMismatch(divEx, wantDiv, dBound)).toBeNull();
      expect(firstMismatch(divHu, wantVJv, dBound)).toBeNull();
      expect(firstMismatch(sEx, wantY, (i) => (K + 2) * U32 * magY[i]!)).toBeNull();
      expect(firstMismatch(sHu, wantY, (i) => (K + 2) * U32 * magY[i]!)).toBeNull();
      for (const z of [probe, ex.score, ex.div, hu.score, hu.div]) z.dispose();
      inp.dispose();
      net.dispose();
    });
  }

  it('issues one dispatch per forward', async () => {
    const e = engine();
    const cfg: MlpConfig = { dim: 2, hidden: 64, layers: 4, activation: 'silu', fourierFeatures: 8, residual: true };
    const net = new ScoreNet(e, cfg);
    const batch = 77;
    const x = e.tensor(randomF32(batch * 2, 5), [batch, 2]);
    const count = async (path: 'fused' | 'layered') => {
      const before = e.scheduler.dispatchCount;
      const s = await net.score(x, { t: 0.5, rowScale: 1 }, batch, { path });
      const n = e.scheduler.dispatchCount - before;
      s.dispose();
      return n;
    };
    expect(await count('fused')).toBe(1);
    expect(await count('layered')).toBe(1 + net.layers.length); // embed_time + one per layer
    // the divergence's primal pass: layers fewer dispatches when fused
    const divCount = async (path: 'fused' | 'layered') => {
      const before = e.scheduler.dispatchCount;
      const r = await net.scoreAndDivergence(x, { t: 0.5, rowScale: 1 }, batch, 'exact', { path });
      const n = e.scheduler.dispatchCount - before;
      r.score.dispose();
      r.div.dispose();
      return n;
    };
    expect((await divCount('layered')) - (await divCount('fused'))).toBe(net.layers.length);
    // the net-wide default applies when no per-call path is given
    net.forwardPath = 'fused';
    expect(net.usesFusedForward(batch)).toBe(true);
    net.forwardPath = 'layered';
    expect(net.usesFusedForward(batch)).toBe(false);
    x.dispose();
    net.dispose();
  });

  it('rejects nets the fused kernel cannot hold and bad batches', async () => {
    const e = engine();
    const wide = new ScoreNet(e, { dim: 2, hidden: 257, layers: 1, fourierFeatures: 2 });
    expect(wide.fusedPlan(64)).toBeNull();
    expect(wide.usesFusedForward(64, 'auto')).toBe(false);
    const x = e.tensor(randomF32(6, 1), [3, 2]);
    await expect(wide.score(x, { t: 0.5, rowScale: 1 }, 3, { path: 'fused' })).rejects.toThrow(LimitError);
    await expect(wide.score(x, { t: 0.5, rowScale: 1 }, 3, { path: 'fused' })).rejects.toThrow(/ScoreNet.infer: the fused forward does not fit this net \(hidden 257/);
    // a wide input (d + 2 nf = 2002 floats per row) does not fit the activation tiles either
    const wideIn = new ScoreNet(e, { dim: 2, hidden: 8, layers: 1, fourierFeatures: 1000 });
    expect(wideIn.fusedPlan(64)).toBeNull();
    const net = new ScoreNet(e, { dim: 2, hidden: 8, layers: 1 });
    await expect(net.score(x, { t: 0.5, rowScale: 1 }, 0, { path: 'fused' })).rejects.toThrow(ValueError);
    await expect(net.score(x, { t: 0.5, rowScale: 1 }, 0, { path: 'fused' })).rejects.toThrow(/batch must be a positive integer, got 0/);
    await expect(net.score(x, { t: Infinity, rowScale: 1 }, 3, { path: 'fused' })).rejects.toThrow(/t must be finite/);
    const tShort: Tensor = e.tensor(new Float32Array(2));
    await expect(net.score(x, { t: tShort, rowScale: tShort }, 3, { path: 'fused' })).rejects.toThrow(/need 3 values/);
    for (const z of [x, tShort]) z.dispose();
    wide.dispose();
    wideIn.dispose();
    net.dispose();
  });
});
