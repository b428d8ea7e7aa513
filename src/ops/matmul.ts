// Matrix products: C = alpha * op(A) op(B), 2-D or batched with broadcast batch dimensions,
// op(X) = X or X^T read in place (no transpose pass). f32.
//
// Two kernels, chosen per adapter:
//  - 'register' (shaders/core/matmul_reg.wgsl): 8x8 register blocks per invocation, no
//    workgroup memory or barriers. What CPU drivers (lavapipe, SwiftShader) run fastest.
//  - 'tiled' (shaders/core/matmul_tiled.wgsl): 64x64 shared-memory tiles with 4x4 register
//    blocks inside, meant for real GPUs (correctness-tested here on CPU drivers only; no GPU
//    was available to time it).
// engine.adapter.kind picks one ('cpu' -> register, 'gpu' -> tiled); `autotuneMatmul(engine)`
// times both on the adapter and remembers the winner for that engine; `{ variant }` forces one.
//
// Accuracy: every element is a serial f32 fused-multiply-add chain over k, so
// |C_ij - exact| <= k * u * alpha * sum_k |A_ik B_kj| (+ one rounding for alpha != 1), u = 2^-24.
//
// `gemmStrided` is the engine under matmul: it takes explicit element strides (batch, row,
// column) and offsets for A, B and C, so callers such as einsum read permuted operands in place.
import { Tensor, numel } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec, UniformField } from '../../runtime/kernel.js';
import { ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { MAX_RANK, broadcastShapes, broadcastStrides, contiguousStrides, engineOf, requireDType } from './common.js';

export type MatmulVariant = 'register' | 'tiled';

export interface MatmulOptions {
  /** Use A^T: `a` is read as [..., k, m]. */
  transA?: boolean;
  /** Use B^T: `b` is read as [..., n, k]. */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Force a kernel variant instead of the per-adapter choice. */
  variant?: MatmulVariant;
}

/** Where the elements of one operand live: element offset, strides of rows and columns, one stride per batch dimension (0 broadcasts). */
export interface OperandLayout {
  offset?: number;
  rowStride: number;
  colStride: number;
  batchStrides: readonly number[];
}

/** Launch shape of the 'register' kernel (8x8 blocks of C per invocation): invocations per workgroup. */
export interface RegisterTile {
  wg: number;
}

export interface GemmStridedArgs {
  /** Op name for errors and profiles (default 'gemm'). */
  op?: string;
  a: Tensor;
  b: Tensor;
  out: Tensor;
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** Inner dimension. */
  k: number;
  /** Batch dimensions (row-major); [] for a single product. */
  batchShape: readonly number[];
  /** A as an m x k matrix per batch element: rowStride steps m, colStride steps k. */
  aLayout: OperandLayout;
  /** B as a k x n matrix: rowStride steps k, colStride steps n. */
  bLayout: OperandLayout;
  /** C as an m x n matrix. */
  outLayout: OperandLayout;
  alpha?: number;
  variant?: MatmulVariant;
  /** @internal block shape for the 'register' kernel (benchmark tuning). */
  registerTile?: RegisterTile;
}

// Tuned on lavapipe (Mesa 25.0.7, LLVM 15, 2 AMD EPYC cores, N=1024, bench/tune-matmul.ts).
// Block shape (fixed at 8x8 in the WGSL): the fastest of those swept with an array-indexed
// form of the same kernel while the machine was lightly loaded (GFLOP/s at N=1024, best of
// 3-4 interleaved runs; FMA peak then 49):
// 8x8 9.6-10.9, 12x4 8.6, 8x4 8.0-8.5, 16x4 7.4, 4x8 6.0, 4x4 5.3; k unrolled 2-4x: 2-5x slower
// (spills); lanes owning rows with B loads uniform across lanes: 2-4x slower. Workgroup size:
// 64 and 32 tied (9.6-10.0), 16: 6.6, 128: 4.9. The later sweeps of the written-out kernel ran
// while other jobs loaded the 2 cores (load average 8-16) and could not separate 16-128.
export const DEFAULT_REGISTER_TILE: RegisterTile = { wg: 64 };

const GEMM_UNIFORMS: readonly UniformField[] = [
  { name: 'm', type: 'u32' },
  { name: 'n', type: 'u32' },
  { name: 'k', type: 'u32' },
  { name: 'alpha', type: 'f32' },
  { name: 'a_off', type: 'u32' },
  { name: 'b_off', type: 'u32' },
  { name: 'c_off', type: 'u32' },
  { name: 'batch_rank', type: 'u32' },
  { name: 'a_rs', type: 'u32' },
  { name: 'a_cs', type: 'u32' },
  { name: 'b_rs', type: 'u32' },
  { name: 'b_cs', type: 'u32' },
  { name: 'c_rs', type: 'u32' },
  { name: 'c_cs', type: 'u32' },
  { name: '_pad0', type: 'u32' },
  { name: '_pad1', type: 'u32' },
  { name: 'batch_shape', type: 'u32', length: MAX_RANK },
  { name: 'a_bs', type: 'u32', length: MAX_RANK },
  { name: 'b_bs', type: 'u32', length: MAX_RANK },
  { name: 'c_bs', type: 'u32', length: MAX_RANK },
];

/** The kernel spec of one variant (exported for benchmarks and warmup). */
export function gemmKernel(variant: MatmulVariant, opts: { tile?: RegisterTile; aKFast?: boolean; bNFast?: boolean; bVec4?: boolean } = {}): KernelSpec {
  if (variant === 'register') {
    const t = opts.tile ?? DEFAULT_REGISTER_TILE;
    return {
      name: 'matmul_reg',
      shader: 'core/matmul_reg.wgsl',
      defines: { WG: t.wg, B_VEC4: opts.bVec4 ?? false },
      bindings: ['read', 'read', 'read_write'],
      uniforms: GEMM_UNIFORMS,
    };
  }
  return {
    name: 'matmul_tiled',
    shader: 'core/matmul_tiled.wgsl',
    defines: { A_KFAST: opts.aKFast ?? true, B_NFAST: opts.bNFast ?? true },
    bindings: ['read', 'read', 'read_write'],
    uniforms: GEMM_UNIFORMS,
  };
}

const tunedVariant = new WeakMap<Engine, MatmulVariant>();

/** The variant matmul uses on this engine: the autotuned one if `autotuneMatmul` ran, else by adapter kind. */
export function matmulVariant(engine: Engine): MatmulVariant {
  return tunedVariant.get(engine) ?? (engine.adapter.kind === 'cpu' ? 'register' : 'tiled');
}

function checkLayout(op: string, name: string, t: Tensor, rows: number, cols: number, batchShape: readonly number[], l: OperandLayout): void {
  const ints = [l.offset ?? 0, l.rowStride, l.colStride, ...l.batchStrides];
  if (ints.some((v) => !Number.isInteger(v) || v < 0 || v >= 2 ** 32)) {
    throw new ShapeError(op, `${name} layout has a stride or offset that is not a u32 integer: ${JSON.stringify(l)}`);
  }
  if (l.batchStrides.length !== batchShape.length) {
    throw new ShapeError(op, `${name} has ${l.batchStrides.length} batch strides for batch shape ${fmtShape(batchShape)}`);
  }
  // Largest element index the kernel can touch; it must lie inside the tensor.
  let last = (l.offset ?? 0) + (rows - 1) * l.rowStride + (cols - 1) * l.colStride;
  batchShape.forEach((d, i) => (last += (d - 1) * l.batchStrides[i]!));
  if (last >= t.size) {
    throw new ShapeError(op, `${name} ${t} is read up to element ${last} (a ${rows}x${cols} matrix, batch ${fmtShape(batchShape)}, layout ${JSON.stringify(l)}) but holds ${t.size}`);
  }
}

/**
 * out = alpha * op(A) op(B) for every batch index, with all three operands given by explicit
 * element strides. Writes into `out` (which the caller created). The strided read lets a
 * permuted or transposed operand be used without a transpose pass.
 */
export async function gemmStrided(engine: Engine, g: GemmStridedArgs): Promise<void> {
  const op = g.op ?? 'gemm';
  engineOf(op, g.a, g.b, g.out);
  for (const t of [g.a, g.b, g.out]) requireDType(op, t, ['f32']);
  for (const [name, v] of [['m', g.m], ['n', g.n], ['k', g.k]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ShapeError(op, `${name} = ${v} must be a non-negative integer`);
  }
  if (g.batchShape.length > MAX_RANK) throw new ShapeError(op, `batch rank ${g.batchShape.length} exceeds ${MAX_RANK}`);
  const alpha = g.alpha ?? 1;
  if (!Number.isFinite(alpha)) throw new ValueError(op, `alpha = ${alpha} must be finite`);
  const batch = numel(g.batchShape);
  if (g.m === 0 || g.n === 0 || batch === 0) return;
  checkLayout(op, 'out', g.out, g.m, g.n, g.batchShape, g.outLayout);
  if (g.k > 0) {
    checkLayout(op, 'a', g.a, g.m, g.k, g.batchShape, g.aLayout);
    checkLayout(op, 'b', g.b, g.k, g.n, g.batchShape, g.bLayout);
  }
  const variant = g.variant ?? matmulVariant(engine);
  const tile = g.registerTile ?? DEFAULT_REGISTER_TILE;
  // vec4 loads of B need every 4-column group of B to be one aligned vec4 in the buffer.
  const bl = g.bLayout;
  const bVec4 = variant === 'register' && bl.colStride === 1 && g.n % 4 === 0 && bl.rowStride % 4 === 0 &&
    (bl.offset ?? 0) % 4 === 0 && bl.batchStrides.every((s) => s % 4 === 0) && g.b.size % 4 === 0;
  const kernel = gemmKernel(variant, { tile, aKFast: g.aLayout.colStride === 1, bNFast: bl.colStride === 1 || bl.rowStride !== 1, bVec4 });
  const workgroups: [number, number, number] =
    variant === 'register'
      ? [Math.ceil(g.n / (tile.wg * 8)), Math.ceil(g.m / 8), batch]
      : [Math.ceil(g.n / 64), Math.ceil(g.m / 64), batch];
  await engine.launch({
    op,
    kernel,
    uniforms: {
      m: g.m, n: g.n, k: g.k, alpha,
      a_off: g.aLayout.offset ?? 0, b_off: g.bLayout.offset ?? 0, c_off: g.outLayout.offset ?? 0,
      batch_rank: g.batchShape.length,
      a_rs: g.aLayout.rowStride, a_cs: g.aLayout.colStride,
      b_rs: g.bLayout.rowStride, b_cs: g.bLayout.colStride,
      c_rs: g.outLayout.rowStride, c_cs: g.outLayout.colStride,
      _pad0: 0, _pad1: 0,
      batch_shape: g.batchShape, a_bs: g.aLayout.batchStrides, b_bs: g.bLayout.batchStrides, c_bs: g.outLayout.batchStrides,
    },
    buffers: [g.a, g.b, g.out],
    workgroups,
    cost: { flops: 2 * g.m * g.n * g.k * batch, bytes: 4 * batch * (g.m * g.k + g.k * g.n + g.m * g.n) },
  });
}

/**
 * alpha * op(a) op(b). a is [..., m, k] ([..., k, m] with transA), b is [..., k, n] ([..., n, k]
 * with transB); batch dimensions broadcast numpy-style (a batch of 1 repeats). Returns a new
 * [...batch, m, n] tensor. Error: k * 2^-24 * alpha * sum_k |a_ik b_kj| per element.
 */
export async function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Promise<Tensor> {
  const op = 'matmul';
  const engine = engineOf(op, a, b);
  requireDType(op, a, ['f32']);
  requireDType(op, b, ['f32']);
  if (a.rank < 2 || b.rank < 2) {
    throw new ShapeError(op, `operands must have rank >= 2 (matrices or batches of them): a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`);
  }
  const { transA = false, transB = false } = options;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, ka] = transA ? [ac, ar] : [ar, ac];
  const [kb, n] = transB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    const t = (x: boolean) => (x ? '^T' : '');
    throw new ShapeError(op, `inner dimensions differ: a${t(transA)} is ${fmtShape(a.shape)} (k = ${ka}), b${t(transB)} is ${fmtShape(b.shape)} (k = ${kb})`);
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(op, aBatch, bBatch);
  } catch {
    throw new ShapeError(op, `batch dimensions of a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)} cannot be broadcast (${fmtShape(aBatch)} vs ${fmtShape(bBatch)})`);
  }
  if (batchShape.length > MAX_RANK) throw new ShapeError(op, `batch rank ${batchShape.length} exceeds ${MAX_RANK}`);
  const out = engine.empty([...batchShape, m, n], 'f32', op);
  try {
    const matStrides = (batch: readonly number[], size: number) => broadcastStrides(batch, batchShape).map((s) => s * size);
    await gemmStrided(engine, {
      op, a, b, out, m, n, k: ka, batchShape,
      // a is stored [ar, ac] row-major: element (r, c) at r * ac + c.
      aLayout: { rowStride: transA ? 1 : ac, colStride: transA ? ac : 1, batchStrides: matStrides(aBatch, ar * ac) },
      bLayout: { rowStride: transB ? 1 : bc, colStride: transB ? bc : 1, batchStrides: matStrides(bBatch, br * bc) },
      outLayout: { rowStride: n, colStride: 1, batchStrides: contiguousStrides(batchShape).map((s) => s * m * n) },
      alpha: options.alpha,
      variant: options.variant,
    });
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

export interface MatmulAutotune {
  variant: MatmulVariant;
  /** Best milliseconds per product (wall clock to completion) for each variant at the tuned size. */
  ms: Record<MatmulVariant, number>;
  size: number;
}

/**
 * Times both variants on this engine's adapter (an n x n x n product; one untimed run each,
 * then `reps` rounds alternating the two) and makes the faster one matmul's default for this
 * engine. The minimum time of each is compared: on a machine shared with other work it is the
 * figure least disturbed by them.
 */
export async function autotuneMatmul(engine: Engine, options: { size?: number; reps?: number } = {}): Promise<MatmulAutotune> {
  const size = options.size ?? 384;
  const reps = options.reps ?? 3;
  const data = new Float32Array(size * size);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 7919) % 97) / 97 - 0.5;
  const a = engine.tensor(data, [size, size]);
  const variants = ['register', 'tiled'] as const;
  const ms = { register: Infinity, tiled: Infinity } as Record<MatmulVariant, number>;
  try {
    for (let r = 0; r <= reps; r++) {
      for (const variant of variants) {
        await engine.sync();
        const t0 = performance.now();
        const c = await matmul(a, a, { variant });
        await engine.sync();
        const dt = performance.now() - t0;
        c.dispose();
        if (r > 0) ms[variant] = Math.min(ms[variant], dt); // round 0 compiles
      }
    }
  } finally {
    a.dispose();
  }
  const variant: MatmulVariant = ms.register <= ms.tiled ? 'register' : 'tiled';
  tunedVariant.set(engine, variant);
  return { variant, ms, size };
}
