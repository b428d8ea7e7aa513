// A trained network on 1-D N(0, 1) data (VE, sigma = 10): NLL, bound and samples against the
// exact answers. Small net (h = 32, 2 hidden layers), 1200 steps of batch 1024 with likelihood
// weighting and importance-sampled t. Runs in both projects since the register-blocked dense
// kernels and the split weight gradient: 25 s under SwiftShader in Chromium (it was over two
// minutes before, hence Node-only then).
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { Sde, ScoreNet, dataset, trainScoreNet, probabilityFlowNll, entropyProduction, sampleReverseSde } from '../../src/index.js';

const engine = useEngine();

describe('denoising score matching on a 1-D Gaussian', () => {
  it('reaches NLL within 0.02 nats of S_0, bound <= NLL, samples match the data', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VE', sigma: 10 });
    const ds = dataset('gaussian');
    const net = new ScoreNet(e, { dim: 1, hidden: 32, layers: 2, fourierFeatures: 8, fourierScale: 2, seed: 1 });
    const r = await trainScoreNet(e, net, sde, ds.sample(65536, 1), {
      steps: 1200, batch: 1024, lr: 3e-3, weighting: 'likelihood', importance: true, emaDecay: 0.99, maxGradNorm: 1, logEvery: 100, seed: 2,
    });
    expect(r.lossCurve.length).toBe(12);
    expect(r.lossCurve.every((p) => Number.isFinite(p.loss))).toBe(true);

    const n = 2048;
    const x = ds.sample(n, 777);
    const nll = await probabilityFlowNll(e, r.model, sde, x, { method: 'rk4', steps: 50 });
    // Paired with the exact -log p(x) of the same points, the gap E[nll - (-log p)] = KL(p || p_theta)
    // has little sampling noise; 5 standard errors of the paired differences.
    let g = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const diff = nll.nll[i]! - (0.5 * x[i]! * x[i]! + 0.5 * Math.log(2 * Math.PI));
      g += diff;
      g2 += diff * diff;
    }
    const gap = g / n, gapSe = Math.sqrt((g2 / n - gap * gap) / n);
    const s0 = 0.5 * Math.log(2 * Math.PI * Math.E);
    expect(Math.abs(gap) + 5 * gapSe).toBeLessThan(0.02); // E[NLL] = S_0 + gap
    const th = await entropyProduction(e, r.model, sde, ds.sample(16384, 778), { intervals: 32, s0, s1: sde.gaussianEntropy(1, [1]) });
    // bound <= E[NLL] = S_0 + gap, within 3 standard errors of both estimates
    expect(th.bound!.value - 3 * th.bound!.se).toBeLessThanOrEqual(s0 + gap + 3 * gapSe);
    expect(th.bound!.value).toBeGreaterThan(s0 - 3 * th.bound!.se - 0.02);

    const smp = await sampleReverseSde(e, r.model, sde, 4096, { steps: 200, seed: 9 });
    let s = 0, s2 = 0;
    for (const v of smp) {
      s += v;
      s2 += v * v;
    }
    const mean = s / 4096, v = s2 / 4096 - mean * mean;
    // sampling error: 5 SE of the mean (1/sqrt(n)) and variance (sqrt(2/n)); EM bias O(1/steps)
    expect(Math.abs(mean)).toBeLessThan(5 / 64);
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / 4096) + 2 / 200);
    r.optimizer.dispose();
    net.dispose();
  });
});
