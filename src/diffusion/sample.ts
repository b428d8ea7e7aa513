// Reverse-SDE samplers (SCIENCE.md 2): Euler-Maruyama, optionally with Langevin corrector steps
// (predictor-corrector, Song et al. 2021 Alg. 4/5; corrector before predictor at each time as in
// score_sde's pc_sampler), from x_1 ~ N(0, priorVar I) down to eps, the last step denoising
// (no noise). Noise comes from Philox per step; nothing is read back until the end.
import type { Engine } from '../../runtime/engine.js';
import { ValueError } from '../../runtime/errors.js';
import { reduceColumns } from '../ops/nn.js';
import type { Sde } from './sde.js';
import { diffKernel, fillNoise, type ScoreModel } from './score-model.js';
import { axpby } from './ode.js';

export interface SdeSampleOptions {
  /** Euler-Maruyama steps (default 500). */
  steps?: number;
  eps?: number;
  seed?: number;
  /** Langevin corrector: steps per time (0 = none) and target signal-to-noise ratio (default 0.16). */
  correctorSteps?: number;
  snr?: number;
}

const stepSpec = () => diffKernel('reverse_step', {}, 'wrr', ['n', 'fcoef:f32', 'g2:f32', 'h:f32', 'noise:f32']);
const langevinSpec = () => diffKernel('langevin_step', {}, 'wrrr', ['n', 'snr:f32', 'alpha:f32']);

export async function sampleReverseSde(engine: Engine, model: ScoreModel, sde: Sde, n: number, opts: SdeSampleOptions = {}): Promise<Float32Array> {
  const op = 'sampleReverseSde';
  const steps = opts.steps ?? 500;
  const eps = opts.eps ?? 1e-5;
  if (!Number.isInteger(n) || n < 1) throw new ValueError(op, `n must be a positive integer, got ${n}`);
  if (!Number.isInteger(steps) || steps < 1) throw new ValueError(op, `steps must be a positive integer, got ${steps}`);
  const d = model.dim;
  const seed = opts.seed ?? 1;
  const z = engine.empty([n, d]);
  const stats = engine.empty([2]);
  await fillNoise(engine, z, 'normal', seed, 20, 0);
  const x = await axpby(engine, z, z, 0, Math.sqrt(sde.priorVar));
  const h = (1 - eps) / steps;
  const nel = n * d;
  try {
    for (let i = 0; i < steps; i++) {
      const t = 1 - i * h;
      for (let c = 0; c < (opts.correctorSteps ?? 0); c++) {
        const r = await model.evaluate(x, t, n, 'none');
        await fillNoise(engine, z, 'normal', seed, 22 + c, i);
        await reduceColumns(engine, r.score, nel, 1, stats, 0, 1);
        await reduceColumns(engine, z, nel, 1, stats, 1, 1);
        await engine.launch({
          op, kernel: langevinSpec(), uniforms: { n: nel, snr: opts.snr ?? 0.16, alpha: sde.kind === 'VP' ? 1 - sde.g2(t) * h : 1 },
          buffers: [x, r.score, z, stats], workgroups: { linear: Math.ceil(nel / 256) }, cost: { flops: 6 * nel, bytes: 16 * nel },
        });
        r.score.dispose();
      }
      const r = await model.evaluate(x, t, n, 'none');
      const last = i === steps - 1;
      if (!last) await fillNoise(engine, z, 'normal', seed, 21, i);
      await engine.launch({
        op, kernel: stepSpec(), uniforms: { n: nel, fcoef: sde.fcoef(t), g2: sde.g2(t), h, noise: last ? 0 : Math.sqrt(sde.g2(t) * h) },
        buffers: [x, r.score, z], workgroups: { linear: Math.ceil(nel / 256) }, cost: { flops: 6 * nel, bytes: 16 * nel },
      });
      r.score.dispose();
    }
    return (await x.read()) as Float32Array;
  } finally {
    x.dispose();
    z.dispose();
    stats.dispose();
  }
}
