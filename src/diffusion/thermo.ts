// Entropy production along the forward process, estimated from samples (SCIENCE.md 2). The time
// integrals use Simpson's rule on a grid uniform in rho = ln(std^2 / m^2) (the inverse log-SNR,
// d rho / dt = g^2 / std^2) from rho(eps) to rho(1): the rates of a learned score grow like
// 1/t near t = 0 (its error is amplified by 1/std), which a grid uniform in t misses. With x_t = m x_0 + std z (one z per
// sample, reused at every t, so each sample's time integral is one draw and the integrals'
// standard errors come from the spread over samples):
//   Sdot       = E[div f] + D E|s|^2                 system entropy rate (score form)
//   Sdot_theta = E[div f] - D E[2 div s + |s|^2]     implicit-score-matching form
//   Sdot_i     = E|f - D s|^2 / D                    intrinsic (production), generative direction
//   Sdot_e     = E[(-f + 2 D s) . (f - D s)] / D     exchange, generative direction
// (Sdot_i + Sdot_e = -Sdot: in the generative direction entropy decreases.) With the exact score
// int Sdot = int Sdot_theta = S_1 - S_0 and the bound (S_0 + S_1)/2 - (1/2) int Sdot_theta = S_0;
// for VE (f = 0) Sdot_e / Sdot_i = -2 identically.
import type { Engine } from '../../runtime/engine.js';
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { reduceColumns } from '../ops/nn.js';
import type { Sde } from './sde.js';
import { diffKernel, fillNoise, type ScoreModel } from './score-model.js';
import { axpby } from './ode.js';

export interface EntropyProductionOptions {
  /** Grid intervals in rho (even, default 64). */
  intervals?: number;
  eps?: number;
  divergence?: 'exact' | 'hutchinson';
  seed?: number;
  /** Data entropy S_0 and the entropy of p_1 S_1 (nats), for the bound. */
  s0?: number;
  s1?: number;
}

export interface Estimate {
  value: number;
  /** Standard error (sampling). */
  se: number;
}

export interface EntropyProductionResult {
  t: number[];
  /** Per time: means over the samples. */
  sdot: number[];
  sdotTheta: number[];
  intrinsic: number[];
  exchange: number[];
  /** exchange / intrinsic. */
  ratio: number[];
  /** Time integrals (Simpson). */
  intSdot: Estimate;
  intSdotTheta: Estimate;
  intIntrinsic: Estimate;
  intExchange: Estimate;
  /** (S_0 + S_1)/2 - (1/2) int Sdot_theta, when s0 and s1 are given. */
  bound?: Estimate;
}

const pointSpec = () => diffKernel('thermo_point', {}, 'rrrww', ['rows', 'd', 'first', 'fcoef:f32', 'dcoef:f32', 'divf:f32', 'wq:f32']);

export async function entropyProduction(engine: Engine, model: ScoreModel, sde: Sde, x0: Float32Array, opts: EntropyProductionOptions = {}): Promise<EntropyProductionResult> {
  const op = 'entropyProduction';
  const d = model.dim;
  const n = x0.length / d;
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(op, `x0 holds ${x0.length} values, not rows of d = ${d}`);
  const M = opts.intervals ?? 64;
  if (!Number.isInteger(M) || M < 2 || M % 2 !== 0) throw new ValueError(op, `intervals must be an even integer >= 2, got ${M}`);
  const eps = opts.eps ?? 1e-5;
  const div = opts.divergence ?? 'exact';
  const K = 5;
  const x = engine.tensor(x0, [n, d]);
  const z = engine.empty([n, d]);
  const q = engine.empty([n, K]);
  const acc = engine.empty([n, K]);
  const stats = engine.empty([(M + 1) * K]);
  const probe = div === 'hutchinson' ? engine.empty([n, d]) : null;
  const r0 = sde.rho(eps), r1 = sde.rho(1);
  const hstep = (r1 - r0) / M;
  const ts = Array.from({ length: M + 1 }, (_, i) => (i === 0 ? eps : i === M ? 1 : sde.rhoInverse(r0 + i * hstep)));
  try {
    await fillNoise(engine, z, 'normal', opts.seed ?? 1, 30, 0);
    if (probe) await fillNoise(engine, probe, 'rademacher', opts.seed ?? 1, 31, 0);
    for (let i = 0; i <= M; i++) {
      const t = ts[i]!;
      const xt = await axpby(engine, x, z, sde.mean(t), sde.std(t));
      const r = await model.evaluate(xt, t, n, div, { probe: probe ?? undefined });
      // Simpson weight in rho times dt/drho = std^2 / g^2
      const wq = (hstep / 3) * (i === 0 || i === M ? 1 : i % 2 === 1 ? 4 : 2) * (sde.variance(t) / sde.g2(t));
      const fc = sde.fcoef(t);
      await engine.launch({
        op, kernel: pointSpec(), uniforms: { rows: n, d, first: i === 0 ? 1 : 0, fcoef: fc, dcoef: 0.5 * sde.g2(t), divf: fc * d, wq },
        buffers: [xt, r.score, r.div!, q, acc], workgroups: { linear: Math.ceil(n / 256) }, cost: { flops: 12 * n * d, bytes: 4 * n * (2 * d + 11) },
      });
      await reduceColumns(engine, q, n, K, stats, i * K, 0, 1 / n);
      xt.dispose();
      r.score.dispose();
      r.div?.dispose();
    }
    const st = await stats.read();
    const ac = await acc.read();
    const col = (k: number) => ts.map((_, i) => st[i * K + k]!);
    const integral = (k: number): Estimate => {
      let s = 0, s2 = 0;
      for (let b = 0; b < n; b++) {
        const v = ac[b * K + k]!;
        s += v;
        s2 += v * v;
      }
      const mean = s / n;
      return { value: mean, se: Math.sqrt(Math.max(0, s2 / n - mean * mean) / n) };
    };
    const intr = col(2), exch = col(3);
    const res: EntropyProductionResult = {
      t: ts, sdot: col(0), sdotTheta: col(1), intrinsic: intr, exchange: exch, ratio: exch.map((v, i) => v / intr[i]!),
      intSdot: integral(0), intSdotTheta: integral(1), intIntrinsic: integral(2), intExchange: integral(3),
    };
    if (opts.s0 !== undefined && opts.s1 !== undefined) {
      res.bound = { value: (opts.s0 + opts.s1) / 2 - 0.5 * res.intSdotTheta.value, se: 0.5 * res.intSdotTheta.se };
    }
    return res;
  } finally {
    for (const tt of [x, z, q, acc, stats]) tt.dispose();
    probe?.dispose();
  }
}
