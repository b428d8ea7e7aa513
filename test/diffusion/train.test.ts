// A short training run in both projects (the accuracy test is train.node.test.ts): the GPU-side
// minibatches, loss curve, AdamW/EMA update and the trained model's score run end to end.
import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { Sde, ScoreNet, dataset, trainScoreNet, ValueError } from '../../src/index.js';

const engine = useEngine();

describe('denoising score matching (short run)', () => {
  it('the loss falls over 60 steps on a 2-D mixture (VP, sigma^2 weighting)', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VP' });
    const ds = dataset('8gaussians');
    const net = new ScoreNet(e, { dim: 2, hidden: 16, layers: 2, residual: true, seed: 3 });
    const r = await trainScoreNet(e, net, sde, ds.sample(4096, 1), { steps: 60, batch: 256, lr: 1e-2, logEvery: 10, seed: 4 });
    expect(r.lossCurve.map((p) => p.step)).toEqual([10, 20, 30, 40, 50, 60]);
    // the sigma^2-weighted DSM loss of a zero score is E|z|^2 = d = 2; training must get below it
    const last = r.lossCurve[r.lossCurve.length - 1]!.loss;
    expect(last).toBeLessThan(r.lossCurve[0]!.loss);
    expect(last).toBeLessThan(2);
    const x = e.tensor(ds.sample(8, 2), [8, 2]);
    const s = await r.model.evaluate(x, 0.5, 8, 'none');
    expect((await s.score.read()).every(Number.isFinite)).toBe(true);
    x.dispose();
    s.score.dispose();
    r.optimizer.dispose();
    net.dispose();
  });

  it('rejects bad options', async () => {
    const e = engine();
    const sde = new Sde({ kind: 'VP' });
    const net = new ScoreNet(e, { dim: 2, hidden: 4, layers: 1 });
    await expect(trainScoreNet(e, net, sde, new Float32Array(3), { steps: 1, batch: 4 })).rejects.toThrow(/not a multiple of d = 2/);
    await expect(trainScoreNet(e, net, sde, new Float32Array(4), { steps: 1, batch: 0 })).rejects.toThrow(ValueError);
    await expect(trainScoreNet(e, net, sde, new Float32Array(4), { steps: 1, batch: 4, weighting: 'x' as never })).rejects.toThrow(/weighting must be/);
    expect(() => new Sde({ kind: 'VE', sigma: 0.5 })).toThrow(/VE sigma must be > 1/);
    net.dispose();
  });
});
