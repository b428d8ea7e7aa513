// The probability-flow ODE dx/dt = f - g^2 s / 2 (SCIENCE.md 2), integrated on the GPU with
// fixed-step RK4 or adaptive Dormand-Prince RK45, for
//  - likelihoods: the state [x, delta] with d delta/dt = div f - g^2 div s / 2 from t = eps to 1,
//    log p_0(x_0) = log pi(x_1) + delta(1)  (exact divergence or Hutchinson-Skilling);
//  - sampling: x from the prior at t = 1 down to eps.
// RK45 reads one number back per step (the largest scaled error over the batch), because the
// step-size decision needs it on the host; RK4 reads nothing until the end.
import type { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { reduceColumns } from '../ops/nn.js';
import type { Sde } from './sde.js';
import { diffKernel, fillNoise, type ScoreModel } from './score-model.js';

export type OdeMethod = 'rk4' | 'rk45';

export interface OdeOptions {
  method?: OdeMethod;
  /** RK4 steps (default 100). */
  steps?: number;
  /** RK45 tolerances (default 1e-5 both). */
  rtol?: number;
  atol?: number;
  /** Start (likelihood) or end (sampling) time, default 1e-5. */
  eps?: number;
  /** Divergence: 'exact' (default) or 'hutchinson' (one Rademacher probe per sample). */
  divergence?: 'exact' | 'hutchinson';
  seed?: number;
  /** Prior for the likelihood: the SDE's N(0, priorVar I) (default) or the model's own log p_1 (analytic models). */
  prior?: 'sde' | 'model';
  /** Cap on RK45 steps (default 2000). */
  maxSteps?: number;
}

export interface OdeStats {
  /** Accepted steps. */
  steps: number;
  rejected: number;
  /** Score evaluations. */
  nfe: number;
}

const stageSpec = () => diffKernel('ode_stage', {}, 'rrrrww', ['rows', 'd', 'w', 'slot', 'h:f32', 'fcoef:f32', 'half_g2:f32', 'divf:f32'], [{ name: 'c', type: 'f32', length: 8 }]);
const errorSpec = () => diffKernel('ode_error', {}, 'rrrw', ['rows', 'w', 'stages', 'h:f32', 'atol:f32', 'rtol:f32'], [{ name: 'e', type: 'f32', length: 8 }]);
const nllSpec = () => diffKernel('nll_final', {}, 'rrw', ['rows', 'd', 'use_model', 'prior_var:f32']);

interface Tableau {
  c: number[];
  /** Row i: coefficients of K_0..K_i forming the input of stage i + 1 (the last row is the solution). */
  a: number[][];
  e?: number[];
}

const RK4: Tableau = { c: [0, 0.5, 0.5, 1], a: [[0.5], [0, 0.5], [0, 0, 1], [1 / 6, 1 / 3, 1 / 3, 1 / 6]] };
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];
const DOPRI: Tableau = {
  c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
  a: [
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    B5,
    [0, 0, 0, 0, 0, 0, 0], // stage 7 (FSAL evaluation at the solution) only feeds the error
  ],
  e: B4.map((b, i) => (B5[i] ?? 0) - b),
};

/** Integrates y = [x, (delta)] ([rows, w], w = d + 1 with divergence, d without) in place from t0 to t1. */
async function integrate(engine: Engine, model: ScoreModel, sde: Sde, y: Tensor, rows: number, withDiv: boolean, t0: number, t1: number, opts: OdeOptions): Promise<OdeStats> {
  const op = 'probabilityFlow';
  const d = model.dim;
  const w = withDiv ? d + 1 : d;
  const method = opts.method ?? 'rk4';
  if (method !== 'rk4' && method !== 'rk45') throw new ValueError(op, `method must be 'rk4' or 'rk45', got '${method}'`);
  const tab = method === 'rk4' ? RK4 : DOPRI;
  const S = tab.c.length;
  const divMode = withDiv ? (opts.divergence ?? 'exact') : 'none';
  const K = engine.empty([S, rows, w]);
  // cur: the state; spare: the candidate solution of a step; s1/s2: alternating stage inputs;
  // s3: the output of RK45's 7th stage (only its K is used).
  const sp = engine.empty([rows, w]);
  const s1 = engine.empty([rows, w]);
  const s2 = engine.empty([rows, w]);
  const s3 = engine.empty([rows, w]);
  const errRow = engine.empty([rows]);
  const errMax = engine.empty([1]);
  let probe: Tensor | null = null;
  if (divMode === 'hutchinson') {
    probe = engine.empty([rows, d]);
    await fillNoise(engine, probe, 'rademacher', opts.seed ?? 1, 7, 0);
  }
  const stats: OdeStats = { steps: 0, rejected: 0, nfe: 0 };
  const dir = Math.sign(t1 - t0);
  let cur: Tensor = y;
  let spare: Tensor = sp;
  const evalStage = async (ys: Tensor, t: number, h: number, slot: number, coef: number[], out: Tensor) => {
    const r = await model.evaluate(ys, t, rows, divMode, { xStride: w, probe: probe ?? undefined });
    stats.nfe++;
    const c = new Array<number>(8).fill(0);
    coef.forEach((v, i) => (c[i] = v));
    const g2 = sde.g2(t), fc = sde.fcoef(t);
    await engine.launch({
      op,
      kernel: stageSpec(),
      uniforms: { rows, d, w, slot, h, fcoef: fc, half_g2: 0.5 * g2, divf: fc * d, c },
      buffers: [cur, ys, r.score, r.div ?? r.score, K, out],
      workgroups: { linear: Math.ceil((rows * w) / 256) },
      cost: { flops: rows * w * (2 * slot + 6), bytes: 4 * rows * w * (slot + 4) },
    });
    r.score.dispose();
    r.div?.dispose();
  };
  try {
    if (method === 'rk4') {
      const n = opts.steps ?? 100;
      if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `steps must be a positive integer, got ${n}`);
      const h = (t1 - t0) / n;
      for (let k = 0; k < n; k++) {
        // stage inputs alternate between s1 and s2; the solution goes to `spare`
        let ys = cur;
        for (let i = 0; i < 4; i++) {
          const out = i === 3 ? spare : i % 2 === 0 ? s1 : s2;
          await evalStage(ys, t0 + (k + tab.c[i]!) * h, h, i, tab.a[i]!, out);
          ys = out;
        }
        [cur, spare] = [spare, cur];
        stats.steps++;
      }
    } else {
      const rtol = opts.rtol ?? 1e-5, atol = opts.atol ?? 1e-5;
      if (!(rtol > 0 && atol > 0)) throw new ValueError(op, `rtol and atol must be positive, got ${rtol}, ${atol}`);
      const maxSteps = opts.maxSteps ?? 2000;
      let t = t0;
      let h = 0.02 * (t1 - t0);
      while (dir * (t1 - t) > 1e-12 * Math.abs(t1 - t0)) {
        if (stats.steps + stats.rejected >= maxSteps) throw new ValueError(op, `RK45 needed more than ${maxSteps} steps (t = ${t}, h = ${h})`);
        if (dir * (t + h - t1) > 0) h = t1 - t;
        let ys = cur;
        for (let i = 0; i < 7; i++) {
          const out = i === 5 ? spare : i === 6 ? s3 : i % 2 === 0 ? s1 : s2;
          await evalStage(ys, t + tab.c[i]! * h, h, i, tab.a[i]!, out);
          ys = out;
        }
        const e = new Array<number>(8).fill(0);
        tab.e!.forEach((v, i) => (e[i] = v));
        await engine.launch({
          op, kernel: errorSpec(), uniforms: { rows, w, stages: 7, h, atol, rtol, e },
          buffers: [cur, spare, K, errRow], workgroups: { linear: Math.ceil(rows / 256) }, cost: { flops: 16 * rows * w, bytes: 40 * rows * w },
        });
        await reduceColumns(engine, errRow, rows, 1, errMax, 0, 2);
        const err = (await errMax.read())[0]!;
        if (!Number.isFinite(err)) throw new ValueError(op, `non-finite error estimate at t = ${t}`);
        if (err <= 1) {
          t += h;
          [cur, spare] = [spare, cur];
          stats.steps++;
        } else stats.rejected++;
        h *= Math.min(5, Math.max(0.2, 0.9 * Math.max(err, 1e-10) ** -0.2));
      }
    }
    if (cur !== y) engine.scheduler.copy(cur.buffer, 0, y.buffer, 0, 4 * rows * w);
    return stats;
  } finally {
    for (const tt of [K, sp, s1, s2, s3, errRow, errMax]) tt.dispose();
    probe?.dispose();
  }
}

export interface NllResult {
  /** -log p_0(x) per sample, nats. */
  nll: Float32Array;
  meanNll: number;
  /** Standard error of the mean. */
  se: number;
  bitsPerDim: number;
  stats: OdeStats;
}

/** Negative log-likelihood of each row of x0 ([n, d]) under the model's probability-flow ODE. */
export async function probabilityFlowNll(engine: Engine, model: ScoreModel, sde: Sde, x0: Float32Array, opts: OdeOptions = {}): Promise<NllResult> {
  const op = 'probabilityFlowNll';
  const d = model.dim;
  const n = x0.length / d;
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(op, `x0 holds ${x0.length} values, not rows of d = ${d}`);
  const eps = opts.eps ?? 1e-5;
  if (!(eps > 0 && eps < 1)) throw new ValueError(op, `eps must be in (0, 1), got ${eps}`);
  const state = new Float32Array(n * (d + 1));
  for (let b = 0; b < n; b++) state.set(x0.subarray(b * d, (b + 1) * d), b * (d + 1));
  const y = engine.tensor(state, [n, d + 1]);
  const out = engine.empty([n]);
  let lp1: Tensor | null = null;
  try {
    const stats = await integrate(engine, model, sde, y, n, true, eps, 1, opts);
    const useModel = opts.prior === 'model';
    if (useModel) {
      if (!model.logDensity) throw new ValueError(op, `prior 'model' needs a model with logDensity (an analytic score)`);
      lp1 = await model.logDensity(y, 1, n, { xStride: d + 1 });
    }
    await engine.launch({
      op, kernel: nllSpec(), uniforms: { rows: n, d, use_model: useModel ? 1 : 0, prior_var: sde.priorVar },
      buffers: [y, lp1 ?? y, out], workgroups: { linear: Math.ceil(n / 256) }, cost: { flops: 4 * n * d, bytes: 4 * n * (d + 2) },
    });
    const nll = (await out.read()) as Float32Array;
    let s = 0, s2 = 0;
    for (const v of nll) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    return { nll, meanNll: mean, se: Math.sqrt(Math.max(0, s2 / n - mean * mean) / n), bitsPerDim: mean / (d * Math.LN2), stats };
  } finally {
    y.dispose();
    out.dispose();
    lp1?.dispose();
  }
}

/** Samples by integrating the probability-flow ODE from x_1 ~ N(0, priorVar I) at t = 1 down to eps. */
export async function sampleProbabilityFlow(engine: Engine, model: ScoreModel, sde: Sde, n: number, opts: OdeOptions = {}): Promise<{ samples: Float32Array; stats: OdeStats }> {
  const op = 'sampleProbabilityFlow';
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `n must be a positive integer, got ${n}`);
  const d = model.dim;
  const x = engine.empty([n, d]);
  try {
    await fillNoise(engine, x, 'normal', opts.seed ?? 1, 11, 0);
    const sd = Math.sqrt(sde.priorVar);
    const scaled = await scaleTensor(engine, x, sd);
    const stats = await integrate(engine, model, sde, scaled, n, false, 1, opts.eps ?? 1e-5, opts);
    const samples = (await scaled.read()) as Float32Array;
    scaled.dispose();
    return { samples, stats };
  } finally {
    x.dispose();
  }
}

const perturbSpec = () => diffKernel('perturb', {}, 'rrw', ['n', 'm:f32', 'sd:f32']);

/** out = m a + sd b (elementwise), through the perturb kernel; b may equal a with m = 0. */
export async function axpby(engine: Engine, a: Tensor, b: Tensor, m: number, sd: number): Promise<Tensor> {
  const out = engine.empty([...a.shape]);
  await engine.launch({
    op: 'axpby', kernel: perturbSpec(), uniforms: { n: a.size, m, sd }, buffers: [a, b, out],
    workgroups: { linear: Math.ceil(a.size / 256) }, cost: { flops: 3 * a.size, bytes: 12 * a.size },
  });
  return out;
}

async function scaleTensor(engine: Engine, x: Tensor, s: number): Promise<Tensor> {
  return axpby(engine, x, x, 0, s);
}
