// Score models behind one interface, so the integrators, samplers and entropy estimators run
// the same with a trained network (ScoreNet) or an analytic score (a diffused Gaussian mixture,
// shaders/diffusion/gmm_score.wgsl) plugged in its place.
import type { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec, UniformField } from '../../runtime/kernel.js';
import { LimitError, ShapeError, ValueError } from '../../runtime/errors.js';
import { ScoreNet, nnKernel } from '../ops/nn.js';
import type { Sde } from './sde.js';
import type { GaussianMixture } from './datasets.js';

export type DivMode = 'none' | 'exact' | 'hutchinson';

export interface EvalOptions {
  /** Row stride of x (default d). */
  xStride?: number;
  /** Rademacher probe [batch, d] for 'hutchinson'. */
  probe?: Tensor;
}

export interface ScoreModel {
  readonly dim: number;
  readonly engine: Engine;
  /** Score s(x, t) [batch, d] and, unless div = 'none', its divergence [batch]; new tensors. */
  evaluate(x: Tensor, t: number, batch: number, div: DivMode, opts?: EvalOptions): Promise<{ score: Tensor; div: Tensor | null }>;
  /** log p_t(x) [batch], for models that know their density (analytic ones). */
  logDensity?(x: Tensor, t: number, batch: number, opts?: EvalOptions): Promise<Tensor>;
}

/** A ScoreNet trained for an SDE; output scaled by 1/std(t) when `scaled`. `params` may be the EMA weights. */
export class NetScore implements ScoreModel {
  readonly dim: number;
  readonly engine: Engine;
  constructor(readonly net: ScoreNet, readonly sde: Sde, readonly scaled: boolean, readonly params?: Tensor) {
    this.dim = net.dim;
    this.engine = net.engine;
  }

  async evaluate(x: Tensor, t: number, batch: number, div: DivMode, opts: EvalOptions = {}): Promise<{ score: Tensor; div: Tensor | null }> {
    const time = { t, rowScale: this.scaled ? 1 / this.sde.std(t) : 1 };
    const fo = { xStride: opts.xStride, params: this.params };
    if (div === 'none') return { score: await this.net.score(x, time, batch, fo), div: null };
    const r = await this.net.scoreAndDivergence(x, time, batch, div, { ...fo, probe: opts.probe });
    return r;
  }
}

const KMAX = 32;
const gmmSpec = (): KernelSpec =>
  nnKernel('gmm_score', 'diffusion/gmm_score.wgsl', { KMAX }, 'rrwww', ['rows', 'd', 'k', 'x_stride', 'm:f32', 'add_var:f32']);

/**
 * The exact score of data drawn from a Gaussian mixture, diffused by `sde`: at time t the
 * marginal is again a mixture (means m mu_k, variances m^2 var_k + std^2). Divergence is exact
 * in every mode (a Hutchinson request gets the exact trace, its expectation).
 * Accuracy: float32 evaluation of closed forms, a few ULP per term, d K terms.
 */
export class GmmScore implements ScoreModel {
  readonly dim: number;
  private readonly comp: Tensor;
  constructor(readonly engine: Engine, readonly mixture: GaussianMixture, readonly sde: Sde) {
    if (mixture.k > KMAX) throw new LimitError('GmmScore', `${mixture.k} components exceed the kernel's ${KMAX}`);
    this.dim = mixture.dim;
    this.comp = engine.keep(engine.tensor(mixture.packed()));
  }

  private async run(x: Tensor, t: number, batch: number, opts: EvalOptions) {
    const stride = opts.xStride ?? this.dim;
    if (x.size < batch * stride) throw new ShapeError('GmmScore', `x has ${x.size} values, need ${batch} rows of stride ${stride}`);
    if (!(t >= 0 && t <= 1)) throw new ValueError('GmmScore', `t must be in [0, 1], got ${t}`);
    const e = this.engine;
    const score = e.empty([batch, this.dim], 'f32', 'GmmScore');
    const div = e.empty([batch], 'f32', 'GmmScore');
    const logp = e.empty([batch], 'f32', 'GmmScore');
    await e.launch({
      op: 'GmmScore',
      kernel: gmmSpec(),
      uniforms: { rows: batch, d: this.dim, k: this.mixture.k, x_stride: stride, m: this.sde.mean(t), add_var: this.sde.variance(t) },
      buffers: [x, this.comp, score, div, logp],
      workgroups: { linear: Math.ceil(batch / 256) },
      cost: { flops: 12 * batch * this.dim * this.mixture.k, bytes: 4 * batch * (2 * this.dim + 2) },
    });
    return { score, div, logp };
  }

  async evaluate(x: Tensor, t: number, batch: number, div: DivMode, opts: EvalOptions = {}) {
    const r = await this.run(x, t, batch, opts);
    r.logp.dispose();
    if (div === 'none') {
      r.div.dispose();
      return { score: r.score, div: null };
    }
    return { score: r.score, div: r.div };
  }

  async logDensity(x: Tensor, t: number, batch: number, opts: EvalOptions = {}): Promise<Tensor> {
    const r = await this.run(x, t, batch, opts);
    r.score.dispose();
    r.div.dispose();
    return r.logp;
  }

  dispose(): void {
    this.comp.dispose();
  }
}

/** Spec helper re-exported for the diffusion kernels. */
export function diffKernel(name: string, defines: Record<string, string | number | boolean>, access: string, uniforms: string[], extra: UniformField[] = []): KernelSpec {
  return nnKernel(name, `diffusion/${name}.wgsl`, defines, access, uniforms, extra);
}

const noiseSpec = (mode: number) => diffKernel('noise', { MODE: mode }, 'w', ['n', 'key0', 'key1', 'stream', 'step']);

/** Fills `out` with Philox noise: 'normal', 'uniform' (0, 1) or 'rademacher'; (seed, stream, step) select the numbers. */
export async function fillNoise(engine: Engine, out: Tensor, kind: 'normal' | 'uniform' | 'rademacher', seed: number, stream: number, step: number): Promise<void> {
  const n = out.size;
  await engine.launch({
    op: 'fillNoise',
    kernel: noiseSpec(kind === 'normal' ? 0 : kind === 'uniform' ? 1 : 2),
    uniforms: { n, key0: seed >>> 0, key1: Math.floor(seed / 2 ** 32) >>> 0, stream: stream >>> 0, step: step >>> 0 },
    buffers: [out],
    workgroups: { linear: Math.ceil(n / 4 / 256) },
    cost: { flops: 40 * n, bytes: 4 * n },
  });
}
