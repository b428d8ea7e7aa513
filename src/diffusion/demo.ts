// The core of `diffrg diffusion train|sample|nll|thermo`: train a score net on a named data set,
// then report the loss curve, samples, the probability-flow NLL, the entropy-production bound
// and the entropy rates over time, as one plain object (JSON-ready).
import type { Engine } from '../../runtime/engine.js';
import { ScoreNet, type Activation } from '../ops/nn.js';
import { Sde, type SdeKind } from './sde.js';
import { dataset, type DatasetName } from './datasets.js';
import { trainScoreNet, type Weighting } from './train.js';
import { probabilityFlowNll, type OdeMethod } from './ode.js';
import { sampleReverseSde } from './sample.js';
import { entropyProduction } from './thermo.js';

export interface DiffusionDemoOptions {
  data?: DatasetName;
  dim?: number;
  sde?: SdeKind;
  sigma?: number;
  hidden?: number;
  layers?: number;
  activation?: Activation;
  residual?: boolean;
  steps?: number;
  batch?: number;
  lr?: number;
  weighting?: Weighting;
  importance?: boolean;
  seed?: number;
  /** Held-out points for the NLL, samples drawn, samples for the entropy rates. */
  nllPoints?: number;
  samples?: number;
  thermoPoints?: number;
  odeMethod?: OdeMethod;
  odeSteps?: number;
  divergence?: 'exact' | 'hutchinson';
}

export interface DiffusionDemoReport {
  config: Required<Omit<DiffusionDemoOptions, 'sigma'>> & { sigma: number };
  adapter: string;
  train: { seconds: number; stepsPerSecond: number; lossCurve: { step: number; loss: number }[] };
  /** Data entropy S_0 where known, and S_1 (exact for Gaussian data, else the Gaussian upper bound from the data's variances). */
  s0: number | null;
  s1: number;
  nll: { nats: number; se: number; bitsPerDim: number; nfe: number };
  bound: { nats: number; se: number } | null;
  /** nll - bound. */
  gap: number | null;
  /** Samples [samples, d] from the reverse SDE. */
  samples: number[];
  rates: { t: number[]; sdot: number[]; sdotTheta: number[]; intrinsic: number[]; exchange: number[]; ratio: number[] };
  integrals: { sdot: number; sdotTheta: number; intrinsic: number; exchange: number };
}

export async function runDiffusionDemo(engine: Engine, opts: DiffusionDemoOptions = {}): Promise<DiffusionDemoReport> {
  const o = {
    data: opts.data ?? 'checkerboard', dim: opts.dim ?? 2, sde: opts.sde ?? 'VE', hidden: opts.hidden ?? 128, layers: opts.layers ?? 4,
    activation: opts.activation ?? 'silu', residual: opts.residual ?? true, steps: opts.steps ?? 2000, batch: opts.batch ?? 1024,
    lr: opts.lr ?? 2e-3, weighting: opts.weighting ?? 'likelihood', importance: opts.importance ?? true, seed: opts.seed ?? 1,
    nllPoints: opts.nllPoints ?? 1024, samples: opts.samples ?? 2048, thermoPoints: opts.thermoPoints ?? 4096,
    odeMethod: opts.odeMethod ?? 'rk4', odeSteps: opts.odeSteps ?? 100, divergence: opts.divergence ?? 'exact',
  } as const;
  const ds = dataset(o.data, { dim: o.dim });
  const sde = new Sde({ kind: o.sde, sigma: opts.sigma });
  const net = new ScoreNet(engine, { dim: ds.dim, hidden: o.hidden, layers: o.layers, activation: o.activation, residual: o.residual, seed: o.seed });
  const tr = await trainScoreNet(engine, net, sde, ds.sample(65536, o.seed), {
    steps: o.steps, batch: o.batch, lr: o.lr, weighting: o.weighting, importance: o.importance, seed: o.seed, emaDecay: 0.999, maxGradNorm: 1, logEvery: Math.max(1, Math.floor(o.steps / 100)), warmup: Math.min(100, o.steps),
  });
  try {
    const nll = await probabilityFlowNll(engine, tr.model, sde, ds.sample(o.nllPoints, o.seed + 1000), { method: o.odeMethod, steps: o.odeSteps, divergence: o.divergence, seed: o.seed });
    const s0 = ds.entropy ?? null;
    const s1 = ds.mixture && ds.mixture.k === 1 ? ds.mixture.entropy(sde, 1).value : sde.gaussianEntropy(1, ds.variances);
    const th = await entropyProduction(engine, tr.model, sde, ds.sample(o.thermoPoints, o.seed + 2000), { divergence: o.divergence, seed: o.seed, s0: s0 ?? undefined, s1 });
    const samples = await sampleReverseSde(engine, tr.model, sde, o.samples, { steps: 500, seed: o.seed + 3 });
    return {
      config: { ...o, sigma: sde.sigma },
      adapter: `${engine.adapter.vendor} ${engine.adapter.device || engine.adapter.description}`.trim(),
      train: { seconds: tr.seconds, stepsPerSecond: tr.stepsPerSecond, lossCurve: tr.lossCurve },
      s0, s1,
      nll: { nats: nll.meanNll, se: nll.se, bitsPerDim: nll.bitsPerDim, nfe: nll.stats.nfe },
      bound: th.bound ? { nats: th.bound.value, se: th.bound.se } : null,
      gap: th.bound ? nll.meanNll - th.bound.value : null,
      samples: Array.from(samples),
      rates: { t: th.t, sdot: th.sdot, sdotTheta: th.sdotTheta, intrinsic: th.intrinsic, exchange: th.exchange, ratio: th.ratio },
      integrals: { sdot: th.intSdot.value, sdotTheta: th.intSdotTheta.value, intrinsic: th.intIntrinsic.value, exchange: th.intExchange.value },
    };
  } finally {
    tr.optimizer.dispose();
    net.dispose();
  }
}
