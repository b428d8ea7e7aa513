// The diffusion machinery with the exact score of a Gaussian / Gaussian mixture plugged in
// place of the network: every quantity then has a known answer.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { U32 } from '../helpers/tolerance.js';
import {
  Sde, GmmScore, GaussianMixture, dataset, probabilityFlowNll, entropyProduction, sampleReverseSde, sampleProbabilityFlow, ValueError,
} from '../../src/index.js';

const engine = useEngine();

const mix2 = new GaussianMixture(2, [0.3, 0.7], [[-1.5, 0.5], [1, -0.5]], [[0.25, 0.5], [0.4, 0.2]]);
const gauss1 = dataset('gaussian').mixture!;

describe('probability-flow likelihood with the exact score', () => {
  const cases = [
    { name: '1-D N(0,1), VE sigma=10', mix: gauss1, sde: new Sde({ kind: 'VE', sigma: 10 }) },
    { name: '2-D mixture, VE sigma=25', mix: mix2, sde: new Sde({ kind: 'VE', sigma: 25 }) },
    { name: '2-D mixture, VP', mix: mix2, sde: new Sde({ kind: 'VP' }) },
  ];
  for (const { name, mix, sde } of cases) {
    it(`RK45 and RK4 NLL equal the exact -log p_0: ${name}`, async () => {
      const e = engine();
      const model = new GmmScore(e, mix, sde);
      const n = 64;
      const x0 = mix.sample(n, 5);
      const exact = Array.from({ length: n }, (_, b) => -mix.logDensity(x0.subarray(b * mix.dim, (b + 1) * mix.dim)));
      const rtol = 1e-5, atol = 1e-5;
      const r45 = await probabilityFlowNll(e, model, sde, x0, { method: 'rk45', rtol, atol, prior: 'model' });
      // The local error per step is <= atol + rtol |y| (|y| <= ~40 over these paths); global
      // error <= steps * that for a flow that does not expand errors (this one is a contraction
      // forward in t along the mean), plus float32 rounding of the state each stage (7 stages,
      // a few u |y| each) and of log p_1 (d K terms of ~|log p_1| u each).
      const ymax = 40;
      const bound45 = r45.stats.steps * ((atol + rtol * ymax) + 7 * 4 * U32 * ymax) + 64 * U32 * ymax;
      let worst = 0;
      for (let b = 0; b < n; b++) worst = Math.max(worst, Math.abs(r45.nll[b]! - exact[b]!));
      expect(worst).toBeLessThan(bound45);
      // RK4, 200 steps: the step-doubling estimate |y_h - y_2h| * 16/15 bounds the truncation
      // error of y_h (fourth order); rounding adds 4 stages * 4 u |y| per step.
      const rA = await probabilityFlowNll(e, model, sde, x0, { method: 'rk4', steps: 200, prior: 'model' });
      const rB = await probabilityFlowNll(e, model, sde, x0, { method: 'rk4', steps: 100, prior: 'model' });
      for (let b = 0; b < n; b++) {
        const trunc = (16 / 15) * Math.abs(rA.nll[b]! - rB.nll[b]!);
        const round = 200 * 16 * U32 * ymax;
        expect(Math.abs(rA.nll[b]! - exact[b]!)).toBeLessThan(trunc + 2 * round);
      }
      expect(r45.bitsPerDim).toBeCloseTo(r45.meanNll / (mix.dim * Math.LN2), 10);
      model.dispose();
    });
  }

  it('with the SDE prior N(0, priorVar) the NLL is off by log p_1 - log pi only', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VP' });
    const model = new GmmScore(e, mix2, sde);
    const x0 = mix2.sample(16, 8);
    const a = await probabilityFlowNll(e, model, sde, x0, { method: 'rk4', steps: 50, prior: 'model' });
    const b = await probabilityFlowNll(e, model, sde, x0, { method: 'rk4', steps: 50 });
    // VP at t = 1: component k is N(m mu_k, 1 - m^2 (1 - var_k)), m = exp(-B(1)/2) = 6.6e-3, so
    // per coordinate |log N_k(x) - log N(0, 1)(x)| <= |x| m |mu| + (m mu)^2 / 2 + (x^2 + 1) m^2 |1 - var| / 2
    // (first order in m^2), with |x_1| <= 6 for these 32 draws of a near-standard normal.
    const m = sde.mean(1);
    const perCoord = 6 * m * 1.5 + (m * 1.5) ** 2 / 2 + 37 * m * m * 0.8 / 2;
    for (let i = 0; i < 16; i++) expect(Math.abs(a.nll[i]! - b.nll[i]!)).toBeLessThan(2 * perCoord + 1e-5);
    await expect(probabilityFlowNll(e, model, sde, x0, { method: 'euler' as never })).rejects.toThrow(ValueError);
    await expect(probabilityFlowNll(e, model, sde, new Float32Array(3))).rejects.toThrow(/x0 holds 3 values, not rows of d = 2/);
    model.dispose();
  });
});

describe('entropy production with the exact score', () => {
  it('VE 1-D Gaussian: int Sdot = S_1 - S_0, bound = S_0, exchange/intrinsic = -2', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VE', sigma: 10 });
    const model = new GmmScore(e, gauss1, sde);
    const s0 = 0.5 * Math.log(2 * Math.PI * Math.E);
    const s1 = sde.gaussianEntropy(1, [1]);
    expect(s0).toBeCloseTo(1.41894, 5);
    expect(s1).toBeCloseTo(2.97564, 5); // SCIENCE.md 2
    const n = 8192;
    const r = await entropyProduction(e, model, sde, gauss1.sample(n, 3), { intervals: 64, s0, s1 });
    // Sampling error: 5 standard errors (each sample's time integral is one independent draw).
    // Quadrature: Simpson on 64 intervals of a smooth integrand, error < 1e-6 here.
    // Rounding: the per-sample sums add ~65 terms (65 u relative).
    const tol = (se: number, v: number) => 5 * se + 1e-6 + 65 * U32 * Math.abs(v);
    expect(Math.abs(r.intSdot.value - (s1 - s0))).toBeLessThan(tol(r.intSdot.se, s1 - s0));
    expect(Math.abs(r.intSdotTheta.value - (s1 - s0))).toBeLessThan(tol(r.intSdotTheta.se, s1 - s0));
    expect(Math.abs(r.bound!.value - s0)).toBeLessThan(tol(r.bound!.se, s0));
    // f = 0: exchange = -2 D |s|^2 and intrinsic = D |s|^2 per sample, so the ratio is -2 up to rounding
    for (const v of r.ratio) expect(Math.abs(v + 2)).toBeLessThan(16 * U32);
    // intrinsic + exchange = -Sdot at every t (an identity per sample)
    r.t.forEach((_, i) => expect(Math.abs(r.intrinsic[i]! + r.exchange[i]! + r.sdot[i]!)).toBeLessThan(16 * U32 * r.intrinsic[i]!));
    model.dispose();
  });

  it('VP 2-D mixture: int Sdot and int Sdot_theta agree with S_1 - S_0 (Monte Carlo entropies)', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VP' });
    const model = new GmmScore(e, mix2, sde);
    const S0 = mix2.entropy(undefined, 0, 100000, 1), S1 = mix2.entropy(sde, 1, 100000, 2);
    const n = 8192;
    const r = await entropyProduction(e, model, sde, mix2.sample(n, 4), { intervals: 64, s0: S0.value, s1: S1.value });
    const want = S1.value - S0.value, seWant = Math.hypot(S0.se, S1.se);
    // VP's rates vary over [0, 20] in t; Simpson with 64 intervals: error ~ h^4 max|f''''| / 180 < 1e-4.
    const tol = (se: number) => 5 * Math.hypot(se, seWant) + 1e-4;
    expect(Math.abs(r.intSdot.value - want)).toBeLessThan(tol(r.intSdot.se));
    expect(Math.abs(r.intSdotTheta.value - want)).toBeLessThan(tol(r.intSdotTheta.se));
    expect(Math.abs(r.bound!.value - S0.value)).toBeLessThan(tol(r.bound!.se));
    model.dispose();
  });

  it('rejects an odd number of intervals', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VE' });
    const model = new GmmScore(e, gauss1, sde);
    await expect(entropyProduction(e, model, sde, new Float32Array(4), { intervals: 3 })).rejects.toThrow(/intervals must be an even integer/);
    model.dispose();
  });
});

describe('samplers with the exact score', () => {
  // sigma = 50: the prior N(0, v(1)) misses p_1 = N(0, 1 + v(1)) by 1/320 in variance.
  const sde = new Sde({ kind: 'VE', sigma: 50 });
  const n = 4096;
  const check = (x: Float32Array) => {
    let s = 0, s2 = 0;
    for (const v of x) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n, v = s2 / n - mean * mean;
    // N(0,1): the sample mean has SE 1/sqrt(n), the sample variance SE sqrt(2/n); 5 SE each,
    // plus the prior's 1/320 variance deficit and the discretisation bias of 500 EM steps (O(h)).
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n) + 1 / 320 + 2 / 500);
  };
  it('reverse SDE (Euler-Maruyama) and predictor-corrector', async () => {
    const e = engine();
    const model = new GmmScore(e, gauss1, sde);
    check(await sampleReverseSde(e, model, sde, n, { steps: 500, seed: 3 }));
    check(await sampleReverseSde(e, model, sde, n, { steps: 500, seed: 4, correctorSteps: 1, snr: 0.16 }));
    model.dispose();
  });
  it('probability-flow ODE (RK45)', async () => {
    const e = engine();
    const model = new GmmScore(e, gauss1, sde);
    const r = await sampleProbabilityFlow(e, model, sde, n, { method: 'rk45', seed: 5 });
    check(r.samples);
    model.dispose();
  });
});
