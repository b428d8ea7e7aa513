// Adam / AdamW on a flat parameter buffer, with global-norm gradient clipping and a weight EMA,
// entirely on the GPU (shaders/nn/reduce_cols.wgsl for |grad|^2, shaders/nn/adam.wgsl for the
// update): two dispatches per step, nothing read back.
//
// Accuracy: the update is the float32 evaluation of the formulas in adam.wgsl (a few roundings
// per element, relative error ~ 10 u of the step); the squared norm is a sum of n terms with
// error <= (n / 256 + 8) u |grad|^2.
import type { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { nnKernel, reduceColumns } from './nn.js';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (AdamW); 0 gives Adam. */
  weightDecay?: number;
  /** Clip the gradient to this global L2 norm (0 or undefined: no clipping). */
  maxGradNorm?: number;
  /** EMA decay of the weights (0.999 typical); 0 makes the EMA a copy of the weights. */
  emaDecay?: number;
}

const adamSpec = () =>
  nnKernel('adam', 'nn/adam.wgsl', {}, 'wrwwwr', ['n', 'clip', 'lr:f32', 'b1:f32', 'b2:f32', 'eps:f32', 'wd:f32', 'bc1:f32', 'bc2:f32', 'max_norm:f32', 'ema_decay:f32']);

export class AdamW {
  readonly m: Tensor;
  readonly v: Tensor;
  /** Exponential moving average of the parameters (starts equal to them). */
  readonly ema: Tensor<'f32'>;
  /** stats[0] = |grad|^2 of the last step. */
  readonly stats: Tensor<'f32'>;
  step = 0;
  readonly opts: Required<AdamOptions>;

  constructor(readonly engine: Engine, readonly params: Tensor, opts: AdamOptions = {}) {
    const o: Required<AdamOptions> = {
      lr: opts.lr ?? 1e-3, beta1: opts.beta1 ?? 0.9, beta2: opts.beta2 ?? 0.999, eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0, maxGradNorm: opts.maxGradNorm ?? 0, emaDecay: opts.emaDecay ?? 0.999,
    };
    const bad = (k: string, v: number, ok: boolean) => {
      if (!ok || !Number.isFinite(v)) throw new ValueError('AdamW', `${k} = ${v} is out of range`);
    };
    bad('lr', o.lr, o.lr > 0);
    bad('beta1', o.beta1, o.beta1 >= 0 && o.beta1 < 1);
    bad('beta2', o.beta2, o.beta2 >= 0 && o.beta2 < 1);
    bad('eps', o.eps, o.eps > 0);
    bad('weightDecay', o.weightDecay, o.weightDecay >= 0);
    bad('maxGradNorm', o.maxGradNorm, o.maxGradNorm >= 0);
    bad('emaDecay', o.emaDecay, o.emaDecay >= 0 && o.emaDecay < 1);
    this.opts = o;
    const n = params.size;
    const zeros = new Float32Array(n);
    this.m = engine.keep(engine.tensor(zeros, [n]));
    this.v = engine.keep(engine.tensor(zeros, [n]));
    this.ema = engine.keep(engine.empty([n], 'f32', 'AdamW'));
    engine.scheduler.copy(params.buffer, 0, this.ema.buffer, 0, 4 * n);
    this.stats = engine.keep(engine.tensor(new Float32Array(4)));
  }

  /** One update from `grads` (same size as the parameters). `lr` overrides the rate for this step (schedules). */
  async update(grads: Tensor, lr = this.opts.lr): Promise<void> {
    const n = this.params.size;
    if (grads.size !== n) throw new ShapeError('AdamW', `grads has ${grads.size} values, the parameters ${n}`);
    const o = this.opts;
    this.step++;
    const clip = o.maxGradNorm > 0;
    if (clip) await reduceColumns(this.engine, grads, n, 1, this.stats, 0, 1);
    await this.engine.launch({
      op: 'AdamW',
      kernel: adamSpec(),
      uniforms: {
        n, clip: clip ? 1 : 0, lr, b1: o.beta1, b2: o.beta2, eps: o.eps, wd: o.weightDecay,
        bc1: 1 - o.beta1 ** this.step, bc2: 1 - o.beta2 ** this.step, max_norm: o.maxGradNorm, ema_decay: o.emaDecay,
      },
      buffers: [this.params, grads, this.m, this.v, this.ema, this.stats],
      workgroups: { linear: Math.ceil(n / 256) },
      cost: { flops: 16 * n, bytes: 28 * n },
    });
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.ema.dispose();
    this.stats.dispose();
  }
}
