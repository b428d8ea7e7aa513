// Denoising score matching on the GPU: every step draws its minibatch (data index, t, noise)
// with Philox from (seed, step) uniforms, runs the net forward and backward, and updates the
// weights with AdamW + clipping + EMA: about 2 L + 8 dispatches per step and no readback. The
// loss is reduced on the GPU into a curve buffer every `logEvery` steps and read once at the end.
import type { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { ScoreNet, reduceColumns } from '../ops/nn.js';
import { AdamW, type AdamOptions } from '../ops/nn-optim.js';
import type { Sde } from './sde.js';
import { NetScore, diffKernel, fillNoise } from './score-model.js';

export type Weighting = 'none' | 'sigma2' | 'likelihood';

export interface TrainOptions extends AdamOptions {
  steps: number;
  batch: number;
  /** lambda(t): 1, std^2 (the usual) or g^2 (likelihood weighting). */
  weighting?: Weighting;
  /** Sample t with density proportional to g^2 / std^2 (uniform in log-SNR). */
  importance?: boolean;
  /** The net outputs std(t) * score (default true). */
  scaled?: boolean;
  /** Smallest training time (default 1e-5). */
  eps?: number;
  seed?: number;
  /** Record the minibatch loss every this many steps (default 10). */
  logEvery?: number;
  /** Linear learning-rate warm-up steps (default 0). */
  warmup?: number;
  /** Called after each step has been queued (progress display; nothing is read back). */
  onStep?: (done: number) => void;
}

export interface TrainResult {
  /** (step, mean minibatch loss) every logEvery steps. */
  lossCurve: { step: number; loss: number }[];
  seconds: number;
  stepsPerSecond: number;
  /** The trained model with the EMA weights and with the raw weights. */
  model: NetScore;
  rawModel: NetScore;
  optimizer: AdamW;
}

const batchSpec = () =>
  diffKernel('dsm_batch', {}, 'rrrwwww', ['rows', 'd', 'n_data', 'kind', 'weighting', 'importance', 'scaled', 'eps:f32', 'sa:f32', 'sb:f32', 'rho0:f32', 'rho1:f32']);
const lossSpec = () => diffKernel('dsm_loss', {}, 'rrww', ['rows', 'd']);

/**
 * Trains `net` by denoising score matching on `data` ([n, d] row-major, uploaded once).
 * The caller disposes result.optimizer (which holds the EMA weights used by result.model).
 */
export async function trainScoreNet(engine: Engine, net: ScoreNet, sde: Sde, data: Float32Array | Tensor, opts: TrainOptions): Promise<TrainResult> {
  const op = 'trainScoreNet';
  const d = net.dim;
  const B = opts.batch;
  if (!Number.isInteger(B) || B < 1) throw new ValueError(op, `batch must be a positive integer, got ${B}`);
  if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new ValueError(op, `steps must be a non-negative integer, got ${opts.steps}`);
  const nData = data instanceof Float32Array ? data.length / d : (data as Tensor).size / d;
  if (!Number.isInteger(nData) || nData < 1) throw new ShapeError(op, `data holds ${data instanceof Float32Array ? data.length : (data as Tensor).size} values, not a multiple of d = ${d}`);
  const weighting = opts.weighting ?? 'sigma2';
  const wId = { none: 0, sigma2: 1, likelihood: 2 }[weighting];
  if (wId === undefined) throw new ValueError(op, `weighting must be none, sigma2 or likelihood, got '${weighting}'`);
  const eps = opts.eps ?? 1e-5;
  const scaled = opts.scaled ?? true;
  const seed = opts.seed ?? 1;
  const logEvery = Math.max(1, opts.logEvery ?? 10);
  const dataT = data instanceof Float32Array ? engine.tensor(data, [nData, d]) : (data as Tensor);
  const u = engine.empty([B, 2]);
  const z = engine.empty([B, d]);
  const xt = engine.empty([B, d]);
  const tv = engine.empty([B]);
  const rs = engine.empty([B]);
  const tc = engine.empty([B, d + 1]);
  const dy = engine.empty([B, d]);
  const lrow = engine.empty([B]);
  const grads = engine.empty([net.paramCount]);
  const nLog = Math.floor(opts.steps / logEvery);
  const curve = engine.empty([Math.max(1, nLog)]);
  const optimizer = new AdamW(engine, net.params, opts);
  const kp = sde.kernelParams;
  const rho0 = sde.rho(eps), rho1 = sde.rho(1);
  const lr = optimizer.opts.lr;
  const t0 = performance.now();
  try {
    for (let step = 0; step < opts.steps; step++) {
      await fillNoise(engine, u, 'uniform', seed, 0, step);
      await fillNoise(engine, z, 'normal', seed, 1, step);
      await engine.launch({
        op,
        kernel: batchSpec(),
        uniforms: {
          rows: B, d, n_data: nData, kind: kp.kind, weighting: wId, importance: opts.importance ? 1 : 0, scaled: scaled ? 1 : 0,
          eps, sa: kp.sa, sb: kp.sb, rho0, rho1,
        },
        buffers: [dataT, u, z, xt, tv, rs, tc],
        workgroups: { linear: Math.ceil(B / 256) },
        cost: { flops: 30 * B * d, bytes: 24 * B * d },
      });
      const ws = await net.forward(xt, { t: tv, rowScale: rs }, B, { applyRowScale: false });
      await engine.launch({
        op,
        kernel: lossSpec(),
        uniforms: { rows: B, d },
        buffers: [ws.a[net.layers.length - 1]!, tc, dy, lrow],
        workgroups: { linear: Math.ceil(B / 256) },
        cost: { flops: 6 * B * d, bytes: 16 * B * d },
      });
      await net.backward(ws, dy, { grads });
      const warm = opts.warmup ?? 0;
      await optimizer.update(grads, warm > 0 && step < warm ? (lr * (step + 1)) / warm : lr);
      if ((step + 1) % logEvery === 0 && (step + 1) / logEvery <= nLog) {
        await reduceColumns(engine, lrow, B, 1, curve, (step + 1) / logEvery - 1, 0, 1 / B);
      }
      opts.onStep?.(step + 1);
    }
    const values = await curve.read();
    const seconds = (performance.now() - t0) / 1000;
    const lossCurve = Array.from({ length: nLog }, (_, i) => ({ step: (i + 1) * logEvery, loss: values[i]! }));
    return {
      lossCurve, seconds, stepsPerSecond: opts.steps / seconds,
      model: new NetScore(net, sde, scaled, optimizer.ema), rawModel: new NetScore(net, sde, scaled), optimizer,
    };
  } catch (e) {
    optimizer.dispose();
    throw e;
  } finally {
    for (const t of [u, z, xt, tv, rs, tc, dy, lrow, grads, curve]) t.dispose();
    if (data instanceof Float32Array) dataT.dispose();
  }
}
