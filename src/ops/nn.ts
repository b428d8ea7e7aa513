// The score network: an MLP s(x, t) with Gaussian Fourier time features, hand-written fused
// kernels for its forward pass, reverse-mode pass (weight, bias and input gradients) and the
// divergence of its output (shaders/nn/*.wgsl).
//
// Layout. All weights live in one flat f32 buffer: layer l is a block [n_in + 1, n_out]
// (row-major, the bias is the last row), so gradients, Adam moments, the EMA and the global
// gradient norm are each one buffer and one dispatch. The net is
//   h_0 = act(W_0 [x, sin(2 pi w t), cos(2 pi w t)] + b_0)
//   h_l = act(W_l h_{l-1} + b_l) (+ h_{l-1} with residual), l = 1 .. layers - 1
//   y = W_L h_{L-1} + b_L,  s = y * rs   (rs = 1 / std(t) when the output is scaled, else 1).
//
// Accuracy. Each output of a dense layer is a sequential float32 dot product of n_in + 1 terms
// (fma), error <= (n_in + 1) u sum_k |x_k w_k| (u = 2^-24) plus the activation's few-ULP error;
// the errors of the layers compose through the Lipschitz constants of the later layers. The
// weight gradient sums over the batch sequentially: error <= rows u sum_b |x_b dz_b|. The tests
// check these bounds against a float64 reference MLP (test/reference/mlp.ts).
import { mulberry32 } from './host-numerics.js';
import { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec, UniformField } from '../../runtime/kernel.js';
import { DTypeError, LimitError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';

export type Activation = 'silu' | 'tanh' | 'relu';

export interface MlpConfig {
  /** Data dimension d (input and output width). */
  dim: number;
  /** Hidden width h. */
  hidden: number;
  /** Number of hidden layers (>= 1); the net has layers + 1 dense layers. */
  layers: number;
  activation?: Activation;
  /** Number of Fourier frequencies nf (the time embedding has 2 nf features); 0 disables t. */
  fourierFeatures?: number;
  /** Standard deviation of the fixed Gaussian frequencies w. */
  fourierScale?: number;
  /** Residual (skip) connections on the hidden h -> h layers. */
  residual?: boolean;
  /** Seed of the host PRNG for the initial weights and the frequencies. */
  seed?: number;
}

export interface DenseLayer {
  nIn: number;
  nOut: number;
  /** Offset of the layer's [nIn + 1, nOut] block in the flat parameter buffer. */
  offset: number;
  /** 0 identity, 1 SiLU, 2 tanh, 3 ReLU. */
  act: number;
  residual: boolean;
}

const ACT_ID: Record<Activation, number> = { silu: 1, tanh: 2, relu: 3 };

// Dense kernels: 8 x 8 register blocks per invocation (8 rows per workgroup, 8 adjacent columns
// per lane, the layout of core/matmul_reg.wgsl), the workgroup only as wide as the layer needs
// (a power of two up to 64 lanes of 8 columns), so a 2-wide output layer does not run 63 idle
// lanes. The weight gradient splits the batch into chunks of WGRAD_CHUNK rows, one workgroup
// layer per chunk, then adds the chunks (sum_slices). Measured on lavapipe (2 cores shared
// with other jobs, load average 8-12; d = 2, h = 128, 4 hidden layers, batch 4096 training
// step, bench/diffusion.ts): 1.85 steps/s with the previous 8 x 4 strided-column kernels,
// 2.6-4.2 with these (the earlier 0.79 figure was taken under heavier load).
const wgFor = (cols: number) => Math.min(64, 2 ** Math.ceil(Math.log2(Math.max(1, Math.ceil(cols / 8)))));
const WG_1D = 256;

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Layer table of an MLP config (validated). */
export function mlpLayers(cfg: MlpConfig): { layers: DenseLayer[]; paramCount: number; inputWidth: number } {
  const op = 'mlp';
  const nf = cfg.fourierFeatures ?? 16;
  for (const [k, v] of [['dim', cfg.dim], ['hidden', cfg.hidden], ['layers', cfg.layers]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(op, `${k} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(nf) || nf < 0) throw new ValueError(op, `fourierFeatures must be a non-negative integer, got ${nf}`);
  const act = ACT_ID[cfg.activation ?? 'silu'];
  if (act === undefined) throw new ValueError(op, `unknown activation '${cfg.activation}' (silu, tanh or relu)`);
  const inputWidth = cfg.dim + 2 * nf;
  const layers: DenseLayer[] = [];
  let off = 0;
  const push = (nIn: number, nOut: number, a: number, residual: boolean) => {
    layers.push({ nIn, nOut, offset: off, act: a, residual });
    off += (nIn + 1) * nOut;
  };
  push(inputWidth, cfg.hidden, act, false);
  for (let l = 1; l < cfg.layers; l++) push(cfg.hidden, cfg.hidden, act, cfg.residual ?? false);
  push(cfg.hidden, cfg.dim, 0, false);
  return { layers, paramCount: off, inputWidth };
}

/**
 * Initial parameters: weights uniform in +-1/sqrt(n_in) (the usual fan-in rule), zero biases,
 * the output layer scaled by 0.1 so the initial score is small.
 */
export function initMlpParams(cfg: MlpConfig): Float32Array {
  const { layers, paramCount } = mlpLayers(cfg);
  const r = mulberry32((cfg.seed ?? 1) * 2654435761);
  const p = new Float32Array(paramCount);
  layers.forEach((L, li) => {
    const bound = 1 / Math.sqrt(L.nIn) * (li === layers.length - 1 ? 0.1 : 1);
    for (let k = 0; k < L.nIn; k++) {
      for (let j = 0; j < L.nOut; j++) p[L.offset + k * L.nOut + j] = (2 * r() - 1) * bound;
    }
  });
  return p;
}

/** Fixed Fourier frequencies w_j ~ N(0, fourierScale^2). */
export function fourierFrequencies(cfg: MlpConfig): Float32Array {
  const nf = cfg.fourierFeatures ?? 16;
  const r = mulberry32((cfg.seed ?? 1) * 40503 + 7);
  return Float32Array.from({ length: Math.max(nf, 1) }, () => gaussian(r) * (cfg.fourierScale ?? 4));
}

/** Kernel spec with bindings given as a string (r = read, w = read_write) and uniforms as 'name[:type]'. */
export function nnKernel(name: string, shader: string, defines: Record<string, string | number | boolean>, access: string, uniforms: string[], extra: UniformField[] = []): KernelSpec {
  const fields: UniformField[] = uniforms.map((u) => {
    const [n, t] = u.split(':') as [string, 'u32' | 'f32' | 'i32' | undefined];
    return { name: n, type: t ?? 'u32' };
  });
  return {
    name,
    shader,
    defines: { WG: WG_1D, ...defines },
    bindings: [...access].map((c) => (c === 'w' ? ('read_write' as const) : ('read' as const))),
    uniforms: [...fields, ...extra],
  };
}

const denseForwardSpec = (act: number, residual: boolean, rowScale: boolean, storeZ: boolean, WG: number, vec4: boolean) =>
  nnKernel('dense_forward', 'nn/dense_forward.wgsl', { ACT: act, RESIDUAL: residual, ROWSCALE: rowScale, STORE_Z: storeZ, WG, W_VEC4: vec4 }, 'rrrww', ['rows', 'n_in', 'n_out', 'w_off']);
const denseBackwardDataSpec = (lowAct: number, residual: boolean, writeDa: boolean, WG: number, vec4: boolean) =>
  nnKernel('dense_backward_data', 'nn/dense_backward_data.wgsl', { LOW_ACT: lowAct, RESIDUAL: residual, WRITE_DA: writeDa, WG, W_VEC4: vec4 }, 'rrrrww', ['rows', 'n_in', 'n_out', 'kcols', 'wt_off']);
const denseBackwardWeightSpec = (WG: number, vec4: boolean) =>
  nnKernel('dense_backward_weight', 'nn/dense_backward_weight.wgsl', { WG, DZ_VEC4: vec4 }, 'rrw', ['rows', 'n_in', 'n_out', 'w_off', 'chunk', 'slice']);
const transposeSpec = () => nnKernel('transpose_weights', 'nn/transpose_weights.wgsl', {}, 'rw', ['n_in', 'n_out', 'w_off', 'wt_off']);
const sumSlicesSpec = () => nnKernel('sum_slices', 'nn/sum_slices.wgsl', {}, 'rw', ['n', 'slices']);

/**
 * Rows per batch chunk of the weight gradient (one workgroup layer each, then sum_slices).
 * Shorter chunks give more parallel work and shorter float32 sums; longer ones less partial
 * traffic. 512 gives 8 chunks at batch 4096 (136 workgroups for a 128 x 128 layer, enough for
 * the cores); not swept (the shared machine's load made differences of < 20% unmeasurable).
 */
export const WGRAD_CHUNK = 512;
const embedSpec = () =>
  nnKernel('embed_time', 'nn/embed_time.wgsl', {}, 'rrrrww', ['rows', 'd', 'nf', 'x_stride', 'use_tconst', 'tconst:f32', 'rsconst:f32', 'rep']);
/** Which forward kernel(s) inference uses: 'auto' (the measured rule), or force one. */
export type ForwardPath = 'auto' | 'fused' | 'layered';

/** Tile sizes of the fused forward (shaders/nn/mlp_fused_forward.wgsl) for one net and row count. */
export interface FusedPlan {
  /** Batch rows per workgroup (8, the kernel's register block). */
  tileRows: number;
  /** Row stride of the activation tiles (>= every layer width, a multiple of 4). */
  actWidth: number;
  /** Floats of the weight staging buffer (whole column quads; >= the widest layer output). */
  weightFloats: number;
  /** Lanes per workgroup. */
  lanes: number;
}

/** Widest hidden layer the fused forward serves (issue 6: small widths). */
export const FUSED_MAX_HIDDEN = 256;

/**
 * The selection rule for ForwardPath 'auto': the fused forward where it beat the per-layer one.
 * Measured on lavapipe (Mesa 25.0.7, 2 cores shared with other jobs, load average 6-8;
 * bench/mlp_fused.ts: d = 2, nf = 16, SiLU, 3 hidden layers, wall ms per score() call, median of
 * 3-5 alternating rounds; layered / fused in three runs, > 1 means fused is faster):
 *   h \ batch    64                 512                4096
 *   32           1.89, 1.07, 1.81   0.72, 0.75, 0.64   0.66, 0.41, 0.69
 *   64           0.94, 0.89, 0.94   0.32, 0.38, 0.43   0.27, 0.30, 0.38
 *   128          0.45, 0.40, 0.39   0.23, 0.15, 0.31   0.23, 0.23, 0.37
 *   256          0.21, 0.33, 0.30   0.13, 0.28, 0.31   0.13, 0.32, 0.42
 * (e.g. h = 32, batch 64: 0.94 ms per-layer vs 0.52 ms fused; h = 256, batch 4096: 307 vs
 * 730 ms.) On a CPU adapter workgroup memory is ordinary memory: staging the weights once per
 * 8-row tile is pure extra work, and it outweighs the 4-5 dispatches saved as soon as the
 * flops do. So the rule is h <= 32 and at most 64 rows. Not measured on a hardware GPU, where
 * dispatches cost more and workgroup memory is fast; this rule is then conservative.
 */
export function fusedForwardWins(hidden: number, rows: number): boolean {
  return hidden <= 32 && rows <= 64;
}

const fusedSpec = (cfgAct: number, residual: boolean, rowScale: boolean, storeZ: boolean, plan: FusedPlan) =>
  nnKernel(
    'mlp_fused_forward', 'nn/mlp_fused_forward.wgsl',
    {
      ACT: cfgAct, RESIDUAL: residual, ROWSCALE: rowScale, STORE_Z: storeZ, WG: plan.lanes,
      AW: plan.actWidth, WCAP: plan.weightFloats / 4, HBUF: 2 * plan.tileRows * plan.actWidth,
    },
    storeZ ? 'rrrrrwww' : 'rrrrrw',
    ['rows', 'd', 'nf', 'x_stride', 'use_tconst', 'tconst:f32', 'rsconst:f32', 'rep', 'h', 'nlayers', 'zslab'],
  );

const divCotangentSpec = (exact: boolean) => nnKernel('div_cotangent', 'nn/div_cotangent.wgsl', { EXACT: exact }, 'rrw', ['rows', 'd']);
const divReduceSpec = (exact: boolean) => nnKernel('div_reduce', 'nn/div_reduce.wgsl', { EXACT: exact }, 'rrrww', ['rows', 'd']);

/** Column reduction kernel (sum, sum of squares, max |v|) into a slot of an output buffer. */
export const reduceColsSpec = (mode: 0 | 1 | 2) => nnKernel(['sum', 'sumsq', 'maxabs'][mode]!, 'nn/reduce_cols.wgsl', { MODE: mode }, 'rw', ['rows', 'cols', 'in_off', 'out_off', 'scale:f32']);

/**
 * out[outOff + c] = scale * reduce over rows of f(src[inOff + r cols + c]) for every column c
 * (mode 0 sum, 1 sum of squares, 2 max |v|), one dispatch, no readback.
 */
export async function reduceColumns(engine: Engine, src: Tensor, rows: number, cols: number, out: Tensor, outOff: number, mode: 0 | 1 | 2, scale = 1, inOff = 0): Promise<void> {
  await engine.launch({
    op: 'reduceColumns',
    kernel: reduceColsSpec(mode),
    uniforms: { rows, cols, in_off: inOff, out_off: outOff, scale },
    buffers: [src, out],
    workgroups: [cols, 1, 1],
    cost: { flops: 2 * rows * cols, bytes: 4 * rows * cols },
  });
}

/** Workgroups of a dense kernel with `rows` x `cols` outputs. */
const blocks = (rows: number, cols: number) => Math.ceil(rows / 8) * Math.ceil(cols / (wgFor(cols) * 8));

/** Buffers of one forward/backward pass at a given row count, reused across calls. */
class Workspace {
  xin!: Tensor;
  rs!: Tensor;
  z: Tensor[] = [];
  a: Tensor[] = [];
  dz: Tensor[] = [];
  da: Tensor[] = [];
  dx!: Tensor;
  dummy: Tensor[] = [];
  /** Per-chunk partial weight gradients [slices, paramCount], made on the first backward with grads. */
  part: Tensor | null = null;
  constructor(readonly rows: number) {}
  all(): Tensor[] {
    return [this.xin, this.rs, ...this.z, ...this.a, ...this.dz, ...this.da, this.dx, ...this.dummy, ...(this.part ? [this.part] : [])];
  }
}

export type TimeInput = { t: number; rowScale: number } | { t: Tensor; rowScale: Tensor };

export interface ForwardOptions {
  /** Row r of the net's input is row floor(r / rep) of x (and of t): rep = d for the exact divergence. */
  rep?: number;
  /** Row stride of x in elements (default d), e.g. d + 1 for an ODE state [x, delta]. */
  xStride?: number;
  /** Multiply the output by the per-row scale (default true). */
  applyRowScale?: boolean;
  /** Another parameter buffer of the same layout (e.g. the EMA weights). */
  params?: Tensor;
  /** Inference only (score, divergence): force the fused or the per-layer forward (default: net.forwardPath). */
  path?: ForwardPath;
}

export type DivergenceMode = 'exact' | 'hutchinson';

/**
 * An MLP score network s_theta(x, t) on the GPU. `params` holds all weights (see the file
 * comment for the layout); the caller owns the net and disposes it.
 */
export class ScoreNet {
  readonly layers: DenseLayer[];
  readonly paramCount: number;
  readonly inputWidth: number;
  readonly dim: number;
  readonly nf: number;
  readonly params: Tensor<'f32'>;
  readonly fourier: Tensor<'f32'>;
  /** W^T of every layer (bias rows dropped) for the backward-data products; offsets 16-byte aligned. */
  private readonly wt: Tensor<'f32'>;
  private readonly wtOffsets: number[];
  private readonly spaces = new Map<number, Workspace>();
  /**
   * Default forward kernel(s) for inference (score, scoreAndDivergence): 'auto' applies
   * fusedForwardWins, 'fused' / 'layered' force one path (the fused one where it fits).
   */
  forwardPath: ForwardPath = 'auto';

  constructor(readonly engine: Engine, readonly config: MlpConfig, init?: Float32Array) {
    const info = mlpLayers(config);
    this.layers = info.layers;
    this.paramCount = info.paramCount;
    this.inputWidth = info.inputWidth;
    this.dim = config.dim;
    this.nf = config.fourierFeatures ?? 16;
    const p = init ?? initMlpParams(config);
    if (p.length !== this.paramCount) throw new ShapeError('ScoreNet', `parameter vector has ${p.length} values, the config needs ${this.paramCount}`);
    this.params = engine.keep(engine.tensor(p, [this.paramCount]));
    this.fourier = engine.keep(engine.tensor(fourierFrequencies(config)));
    let off = 0;
    this.wtOffsets = this.layers.map((L) => {
      const o = off;
      off += Math.ceil((L.nIn * L.nOut) / 4) * 4;
      return o;
    });
    this.wt = engine.keep(engine.empty([off], 'f32', 'ScoreNet'));
  }

  dispose(): void {
    this.params.dispose();
    this.fourier.dispose();
    this.wt.dispose();
    for (const w of this.spaces.values()) for (const t of w.all()) t?.dispose();
    this.spaces.clear();
  }

  /** Drops cached work buffers (they are kept per row count for reuse across steps). */
  releaseWorkspaces(): void {
    for (const w of this.spaces.values()) for (const t of w.all()) t?.dispose();
    this.spaces.clear();
  }

  /** @internal buffers for `rows` rows */
  workspace(rows: number): Workspace {
    let w = this.spaces.get(rows);
    if (w) return w;
    const e = this.engine;
    const mk = (shape: number[]) => e.keep(e.empty(shape, 'f32', 'ScoreNet'));
    w = new Workspace(rows);
    w.xin = mk([rows, this.inputWidth]);
    w.rs = mk([rows]);
    for (const L of this.layers) {
      w.z.push(mk([rows, L.nOut]));
      w.a.push(mk([rows, L.nOut]));
      w.dz.push(mk([rows, L.nOut]));
      w.da.push(mk([rows, L.nOut]));
    }
    w.dx = mk([rows, this.dim]);
    w.dummy = [mk([1]), mk([1])];
    this.spaces.set(rows, w);
    return w;
  }

  private checkX(op: string, x: Tensor, rows: number, stride: number): void {
    if (x.dtype !== 'f32') throw new DTypeError(op, `${x} must be f32`);
    if (x.size < rows * stride || (stride === this.dim && (x.rank !== 2 || x.shape[1] !== this.dim))) {
      throw new ShapeError(op, `x ${fmtShape(x.shape)} must be [batch, ${this.dim}] (row stride ${stride}) for a net of dim ${this.dim}`);
    }
  }

  private checkInputs(op: string, x: Tensor, time: TimeInput, batch: number, opts: ForwardOptions) {
    const rep = opts.rep ?? 1;
    const stride = opts.xStride ?? this.dim;
    if (!Number.isInteger(batch) || batch < 1) throw new ValueError(op, `batch must be a positive integer, got ${batch}`);
    this.checkX(op, x, batch, stride);
    if (typeof time.t !== 'number') {
      const tt = time.t as Tensor;
      if (tt.size < batch || (time.rowScale as Tensor).size < batch) throw new ShapeError(op, `t ${fmtShape(tt.shape)} and its row scale need ${batch} values`);
    } else if (!Number.isFinite(time.t)) {
      throw new ValueError(op, `t must be finite, got ${time.t}`);
    }
    const params = opts.params ?? this.params;
    if (params.size !== this.paramCount) throw new ShapeError(op, `params has ${params.size} values, the net has ${this.paramCount}`);
    return { rows: batch * rep, stride, rep, params, constT: typeof time.t === 'number' };
  }

  /**
   * Tile sizes of the fused forward, or null where the net does not fit it: hidden width over
   * FUSED_MAX_HIDDEN, an output over 256 columns (one lane per column quad, 64 lanes), or
   * activation tiles (2 x 8 rows x the widest layer) that leave the weight buffer less than one
   * row of maxComputeWorkgroupStorageSize (e.g. a very wide input).
   */
  fusedPlan(_rows?: number): FusedPlan | null {
    const h = this.config.hidden;
    if (h > FUSED_MAX_HIDDEN) return null;
    const floats = Math.floor(this.engine.limits.maxComputeWorkgroupStorageSize / 4);
    const tr = 8;
    const aw = Math.ceil(Math.max(this.inputWidth, h, this.dim) / 4) * 4;
    const quads = (n: number) => Math.ceil(n / 4);
    const maxQ = Math.max(...this.layers.map((L) => quads(L.nOut)));
    if (maxQ > 64) return null;
    const maxBlock = Math.max(...this.layers.map((L) => L.nIn * quads(L.nOut)));
    const wcap = Math.min(Math.floor((floats - 2 * tr * aw - tr) / 4), maxBlock);
    if (wcap < maxQ) return null;
    const lanes = Math.max(4, 2 ** Math.ceil(Math.log2(maxQ)));
    return { tileRows: tr, actWidth: aw, weightFloats: 4 * wcap, lanes };
  }

  /** Whether inference at `rows` rows runs the fused forward under `path` (default this.forwardPath). */
  usesFusedForward(rows: number, path: ForwardPath = this.forwardPath): boolean {
    if (path === 'layered') return false;
    if (path === 'fused') return true;
    return this.fusedPlan(rows) !== null && fusedForwardWins(this.config.hidden, rows);
  }

  /** Records the fused forward (one dispatch); with `store`, also hidden pre-activations and row scales. */
  private async fusedForward(op: string, x: Tensor, time: TimeInput, batch: number, opts: ForwardOptions, rowScale: boolean, out: Tensor,
    store?: { zs: Tensor; zslab: number; rs: Tensor }): Promise<void> {
    const { rows, stride, rep, params, constT } = this.checkInputs(op, x, time, batch, opts);
    const plan = this.fusedPlan(rows);
    if (!plan) {
      throw new LimitError(op, `the fused forward does not fit this net (hidden ${this.config.hidden}, input width ${this.inputWidth}; ` +
        `needs hidden <= ${FUSED_MAX_HIDDEN} and tiles within maxComputeWorkgroupStorageSize = ${this.engine.limits.maxComputeWorkgroupStorageSize})`);
    }
    const h = this.config.hidden;
    const flops = this.layers.reduce((s, L) => s + 2 * rows * (L.nIn + 1) * L.nOut, rows * this.nf * 20);
    const tiles = Math.ceil(rows / plan.tileRows);
    await this.engine.launch({
      op,
      kernel: fusedSpec(this.layers[0]!.act, this.config.residual ?? false, rowScale, store !== undefined, plan),
      uniforms: {
        rows, d: this.dim, nf: this.nf, x_stride: stride, use_tconst: constT ? 1 : 0,
        tconst: constT ? (time.t as number) : 0, rsconst: constT ? (time.rowScale as number) : 1, rep,
        h, nlayers: this.layers.length, zslab: store?.zslab ?? 0,
      },
      buffers: [
        x, constT ? x : (time.t as Tensor), constT ? x : (time.rowScale as Tensor), this.fourier, params, out,
        ...(store ? [store.zs, store.rs] : []),
      ],
      workgroups: { linear: tiles },
      // weights are read once per tile; activations never leave the workgroup
      cost: { flops, bytes: 4 * (rows * (this.dim + this.dim) + tiles * this.paramCount + (store ? store.zslab * (this.layers.length - 1) : 0)) },
    });
  }

  /**
   * Inference forward: the output [batch * rep, d] as a new tensor, no activations kept. One
   * dispatch on the fused path, embed_time + one dense_forward per layer otherwise (see
   * usesFusedForward; opts.path forces either). Same accuracy as forward().
   */
  async infer(x: Tensor, time: TimeInput, batch: number, opts: ForwardOptions & { applyRowScale?: boolean } = {}): Promise<Tensor> {
    const op = 'ScoreNet.infer';
    const rows = batch * (opts.rep ?? 1);
    if (this.usesFusedForward(rows, opts.path)) {
      const out = this.engine.empty([rows, this.dim], 'f32', op);
      try {
        await this.fusedForward(op, x, time, batch, opts, opts.applyRowScale ?? true, out);
      } catch (err) {
        out.dispose();
        throw err;
      }
      return out;
    }
    const ws = await this.forward(x, time, batch, opts);
    const out = this.engine.empty([rows, this.dim], 'f32', op);
    this.engine.scheduler.copy(ws.a[this.layers.length - 1]!.buffer, 0, out.buffer, 0, 4 * rows * this.dim);
    return out;
  }

  /**
   * Forward pass for `batch` samples (rows = batch * rep). Returns the workspace; the output is
   * ws.a[last] ([rows, d]). Pre-activations are stored for a following backward pass.
   */
  async forward(x: Tensor, time: TimeInput, batch: number, opts: ForwardOptions = {}): Promise<Workspace> {
    const op = 'ScoreNet.forward';
    const e = this.engine;
    const { rows, stride, rep, params, constT } = this.checkInputs(op, x, time, batch, opts);
    const ws = this.workspace(rows);
    await e.launch({
      op,
      kernel: embedSpec(),
      uniforms: {
        rows, d: this.dim, nf: this.nf, x_stride: stride, use_tconst: constT ? 1 : 0,
        tconst: constT ? (time.t as number) : 0, rsconst: constT ? (time.rowScale as number) : 1, rep,
      },
      buffers: [x, constT ? ws.dummy[0]! : (time.t as Tensor), constT ? ws.dummy[0]! : (time.rowScale as Tensor), this.fourier, ws.xin, ws.rs],
      workgroups: { linear: Math.ceil(rows / WG_1D) },
      cost: { flops: rows * this.nf * 20, bytes: 4 * rows * this.inputWidth },
    });
    const last = this.layers.length - 1;
    for (let l = 0; l <= last; l++) {
      const L = this.layers[l]!;
      const input = l === 0 ? ws.xin : ws.a[l - 1]!;
      const rowScale = l === last && (opts.applyRowScale ?? true);
      const storeZ = l < last;
      await e.launch({
        op,
        kernel: denseForwardSpec(L.act, L.residual, rowScale, storeZ, wgFor(L.nOut), L.nOut % 4 === 0 && L.offset % 4 === 0),
        uniforms: { rows, n_in: L.nIn, n_out: L.nOut, w_off: L.offset },
        buffers: [input, params, ws.rs, storeZ ? ws.z[l]! : ws.dummy[0]!, ws.a[l]!],
        workgroups: { linear: blocks(rows, L.nOut) },
        cost: { flops: 2 * rows * (L.nIn + 1) * L.nOut, bytes: 4 * (rows * (L.nIn + 2 * L.nOut) + (L.nIn + 1) * L.nOut) },
      });
    }
    return ws;
  }

  /**
   * Reverse-mode pass after forward(): with ct = dL/dy ([rows, d], for the unscaled output
   * when the forward ran with applyRowScale false) computes the weight and bias gradients into
   * `grads` (when given) and, when `inputGrad`, dL/dx into ws.dx ([rows, d]).
   */
  async backward(ws: Workspace, ct: Tensor, opts: { grads?: Tensor; inputGrad?: boolean; params?: Tensor }): Promise<void> {
    const op = 'ScoreNet.backward';
    const e = this.engine;
    const rows = ws.rows;
    if (ct.size !== rows * this.dim) throw new ShapeError(op, `cotangent ${fmtShape(ct.shape)} must hold [${rows}, ${this.dim}]`);
    if (opts.grads && opts.grads.size !== this.paramCount) throw new ShapeError(op, `grads has ${opts.grads.size} values, the net has ${this.paramCount}`);
    const params = opts.params ?? this.params;
    const last = this.layers.length - 1;
    const first = opts.inputGrad ? 0 : 1;
    // W^T of the layers whose input gradient is needed (the parameters may have just changed).
    for (let l = first; l <= last; l++) {
      const L = this.layers[l]!;
      await e.launch({
        op, kernel: transposeSpec(), uniforms: { n_in: L.nIn, n_out: L.nOut, w_off: L.offset, wt_off: this.wtOffsets[l]! },
        buffers: [params, this.wt], workgroups: { linear: Math.ceil((L.nIn * L.nOut) / WG_1D) }, cost: { flops: 0, bytes: 8 * L.nIn * L.nOut },
      });
    }
    const slices = Math.ceil(rows / WGRAD_CHUNK);
    let gdst: Tensor | undefined = opts.grads;
    if (opts.grads && slices > 1) {
      if (!ws.part || ws.part.size !== slices * this.paramCount) {
        ws.part?.dispose();
        ws.part = e.keep(e.empty([slices, this.paramCount], 'f32', 'ScoreNet'));
      }
      gdst = ws.part;
    }
    for (let l = last; l >= 0; l--) {
      const L = this.layers[l]!;
      const dzl = l === last ? ct : ws.dz[l]!;
      if (gdst) {
        const input = l === 0 ? ws.xin : ws.a[l - 1]!;
        const wg = wgFor(L.nOut);
        await e.launch({
          op,
          kernel: denseBackwardWeightSpec(wg, L.nOut % 4 === 0),
          uniforms: { rows, n_in: L.nIn, n_out: L.nOut, w_off: L.offset, chunk: WGRAD_CHUNK, slice: this.paramCount },
          buffers: [input, dzl, gdst],
          workgroups: [Math.ceil(L.nOut / (8 * wg)), Math.ceil((L.nIn + 1) / 8), slices],
          cost: { flops: 2 * rows * (L.nIn + 1) * L.nOut, bytes: 4 * (rows * (L.nIn + L.nOut) + slices * (L.nIn + 1) * L.nOut) },
        });
      }
      if (l < first) break;
      const below = l > 0 ? this.layers[l - 1]! : null;
      const kcols = below ? L.nIn : this.dim;
      const lowAct = below ? below.act : 0;
      const writeDa = below ? below.residual : true;
      const wtOff = this.wtOffsets[l]!;
      await e.launch({
        op,
        kernel: denseBackwardDataSpec(lowAct, L.residual, writeDa, wgFor(kcols), kcols % 4 === 0 && L.nIn % 4 === 0),
        uniforms: { rows, n_in: L.nIn, n_out: L.nOut, kcols, wt_off: wtOff },
        buffers: [
          dzl, this.wt, L.residual ? ws.da[l]! : dzl, below ? ws.z[l - 1]! : dzl,
          writeDa ? (below ? ws.da[l - 1]! : ws.dx) : ws.dummy[0]!,
          lowAct ? ws.dz[l - 1]! : ws.dummy[1]!,
        ],
        workgroups: { linear: blocks(rows, kcols) },
        cost: { flops: 2 * rows * kcols * L.nOut, bytes: 4 * (rows * (2 * kcols + L.nOut) + kcols * L.nOut) },
      });
    }
    if (opts.grads && gdst !== opts.grads) {
      const n = this.paramCount;
      await e.launch({
        op, kernel: sumSlicesSpec(), uniforms: { n, slices }, buffers: [gdst!, opts.grads],
        workgroups: { linear: Math.ceil(n / WG_1D) }, cost: { flops: slices * n, bytes: 4 * (slices + 1) * n },
      });
    }
  }

  /**
   * Score and divergence at `batch` points: s [batch, d] and div s [batch]. 'exact' takes the
   * Jacobian trace by d reverse passes (one pass over the batch replicated d times); 'hutchinson'
   * is the unbiased estimate v^T J v with a Rademacher probe v ([batch, d], caller-supplied).
   * Returns new tensors (the caller disposes them).
   */
  async scoreAndDivergence(x: Tensor, time: TimeInput, batch: number, mode: DivergenceMode, opts: ForwardOptions & { probe?: Tensor } = {}): Promise<{ score: Tensor; div: Tensor }> {
    const op = 'ScoreNet.divergence';
    const e = this.engine;
    const d = this.dim;
    const exact = mode === 'exact';
    if (!exact && mode !== 'hutchinson') throw new ValueError(op, `mode must be 'exact' or 'hutchinson', got '${mode}'`);
    if (!exact && (!opts.probe || opts.probe.size !== batch * d)) throw new ShapeError(op, `the Hutchinson probe must be [${batch}, ${d}]`);
    const rep = exact ? d : 1;
    const rows = batch * rep;
    let ws: Workspace;
    if (this.usesFusedForward(rows, opts.path)) {
      // Primal pass fused (one dispatch) with the hidden pre-activations and row scales kept;
      // they are copied into the workspace slots the reverse pass reads (copies, not dispatches).
      // The reverse pass itself stays per layer (dense_backward_data).
      ws = this.workspace(rows);
      const hidden = this.layers.length - 1;
      const zslab = rows * this.config.hidden;
      const zs = e.empty([Math.max(1, hidden * zslab)], 'f32', op);
      try {
        await this.fusedForward(op, x, time, batch, { ...opts, rep }, true, ws.a[hidden]!, { zs, zslab, rs: ws.rs });
        for (let l = 0; l < hidden; l++) e.scheduler.copy(zs.buffer, 4 * l * zslab, ws.z[l]!.buffer, 0, 4 * zslab);
      } finally {
        zs.dispose();
      }
    } else {
      ws = await this.forward(x, time, batch, { ...opts, rep, applyRowScale: true });
    }
    const ct = e.empty([rows, d], 'f32', op);
    const probe = opts.probe ?? ws.dummy[0]!;
    await e.launch({
      op, kernel: divCotangentSpec(exact), uniforms: { rows, d }, buffers: [ws.rs, probe, ct],
      workgroups: { linear: Math.ceil((rows * d) / WG_1D) }, cost: { flops: rows * d, bytes: 8 * rows * d },
    });
    await this.backward(ws, ct, { inputGrad: true, params: opts.params });
    ct.dispose();
    const score = e.empty([batch, d], 'f32', op);
    const div = e.empty([batch], 'f32', op);
    await e.launch({
      op, kernel: divReduceSpec(exact), uniforms: { rows: batch, d }, buffers: [ws.dx, probe, ws.a[this.layers.length - 1]!, div, score],
      workgroups: { linear: Math.ceil(batch / WG_1D) }, cost: { flops: 2 * batch * d, bytes: 12 * batch * d },
    });
    return { score, div };
  }

  /** Score only: s [batch, d] (a new tensor). */
  async score(x: Tensor, time: TimeInput, batch: number, opts: ForwardOptions = {}): Promise<Tensor> {
    return this.infer(x, time, batch, { ...opts, rep: 1, applyRowScale: true });
  }
}
