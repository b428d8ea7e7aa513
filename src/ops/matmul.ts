// Matrix products: C = alpha * op(A) op(B), 2-D or batched with broadcast batch dimensions,
// op(X) = X or X^T read in place (no transpose pass). f32.
//
// Two kernels, chosen per adapter:
//  - 'register' (shaders/core/matmul_reg.wgsl): 8x8 or 16x8 register blocks per invocation, no
//    workgroup memory or barriers; where the adapter has a fixed subgroup size (lavapipe 8,
//    SwiftShader 4) each subgroup loads A's rows once and shares them by subgroupBroadcast.
//    What CPU drivers (lavapipe, SwiftShader) run fastest.
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
// For the register kernel it also picks the launch shape per product (registerLaunch below):
// a workgroup only as wide as C's columns need, and C^T = B^T A^T (operands swapped, all by
// strides) when that puts more useful work on each invocation (tall-and-narrow products).
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

/** Launch shape of the 'register' kernel: invocations per workgroup (each owns 8 columns of C) and rows of C per workgroup. */
export interface RegisterTile {
  wg: number;
  /** 8 or 16 rows per workgroup; left out, gemmStrided picks it from m (registerRows). */
  rows?: 8 | 16;
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
  /** @internal block shape for the 'register' kernel (benchmark tuning); given, it is used as is and the orientation is kept. */
  registerTile?: RegisterTile;
  /**
   * @internal subgroup size the register kernel broadcasts A's rows over, instead of the engine's
   * (tests of each size): it must divide engine.subgroupSize, so every subgroup has those lanes.
   */
  aSubgroup?: number;
}

// Tuned on lavapipe (Mesa 25.0.7, LLVM 15, 2 AMD EPYC cores, N=1024, bench/tune-matmul.ts).
// Block shape (fixed at 8x8 in the WGSL): the fastest of those swept with an array-indexed
// form of the same kernel while the machine was lightly loaded (GFLOP/s at N=1024, best of
// 3-4 interleaved runs; FMA peak then 49):
// 8x8 9.6-10.9, 12x4 8.6, 8x4 8.0-8.5, 16x4 7.4, 4x8 6.0, 4x4 5.3; k unrolled 2-4x: 2-5x slower
// (spills); lanes owning rows with B loads uniform across lanes: 2-4x slower. Workgroup size:
// 64 and 32 tied (9.6-10.0), 16: 6.6, 128: 4.9. The later sweeps of the written-out kernel ran
// while other jobs loaded the 2 cores (load average 8-16) and could not separate 16-128.
// With 16-row blocks (registerRows below) the width was swept again, bench/tune-matmul.ts,
// GFLOP/s (% of the FMA peak timed in the same rounds; 2 cores shared with other jobs, peak
// 27 instead of 58): N=512 wg 64 9.9 (36%), 32 7.2 (26%), 16 12.5 (46%); N=1024 wg 64 6.2 (24%),
// 32 6.1 (23%), 16 9.4 (35%), 8 7.9 (30%); N=2048 wg 64 4.8 (18%), 32 5.5 (21%), 16 6.8 (26%).
// 16 also won the harness sweep above; a 16-wide workgroup's B panel (128 columns x k) stays
// in L2 up to k = 2048, a 64-wide one (512 columns) does not.
// With A's rows broadcast over subgroups (A_SG, 16-row blocks; tune-matmul, best of 3 rounds,
// FMA peak 51): N=1024 wg 8 22.1 GFLOP/s (44%), 16 19.2-19.8 (38-39%), 32 20.7 (41%), against
// 14.6 (37% of a peak of 40 timed in its own run) for wg 16 without; 8-32 are within the noise.
export const DEFAULT_REGISTER_TILE: RegisterTile = { wg: 16 };

// Rows per workgroup (ROWS16 in the WGSL). On lavapipe (Mesa 25.0.7) a storage load in the k
// loop costs about as much with an address uniform across lanes (A) as without (B), as if run
// lane by lane, so cost follows load components per FMA: 16x8 blocks load 24 per 128 FMAs, 8x8 blocks 16 per 64 (a block with one
// A load for all rows ran 3x faster, which is how the load cost showed). Measured at N = 1024
// (GPU ms, interleaved rounds, min / median of 8 while other jobs shared the 2 cores):
// 8 rows wg 64 13.8-14.0 / 11.5-12.1 GFLOP/s; 16 rows wg 64 13.8 / 11.9, wg 32 14.2 / 13.0,
// wg 16 15.7-17.8 / 13.4-15.4, wg 8 16.3 / 12.4. More rows lost: 24 rows 13.8 / 11.6 (spills),
// as did B blocks of 12 or 16 columns and A read as vec4 along k (8-10 GFLOP/s).
// 16 rows are used once they waste at most 1/8 more rows than 8 would (16-row blocks are ~15%
// faster per FLOP), so short products (m <= 8, m = 24, 40) keep 8-row blocks.
export function registerRows(m: number): 8 | 16 {
  return 16 * Math.ceil(m / 16) <= 1.125 * 8 * Math.ceil(m / 8) ? 16 : 8;
}

// The register kernel shares A's rows through subgroupBroadcast (A_SG in the WGSL) when each
// subgroup lane can load whole rows (4 <= size <= rows, so at most 4 loads a lane) and the
// workgroup is made of full subgroups (its width a multiple of the size).
function subgroupRowsFit(sg: number, rows: number, wg: number): boolean {
  return sg >= 4 && sg <= rows && rows % sg === 0 && wg % sg === 0;
}

/** How gemmStrided ran a product (returned, and counted in gemmStats). */
export interface GemmLaunch {
  variant: MatmulVariant;
  /** The register kernel computed C^T = B^T A^T (operands swapped through their strides). */
  swapped: boolean;
  /** Register kernel only: the workgroup shape used. */
  tile?: RegisterTile;
  /** Register kernel only: the subgroup size A's rows were broadcast over (0: each lane loaded them). */
  aSubgroup?: number;
}

/** Launch choices made by gemmStrided, counted for tests and reports. */
export const gemmStats = { launches: 0, swapped: 0, narrowTiles: 0 };

// Launch shape of the register kernel for one product (when the caller names no tile). Each
// invocation owns an 8x8 block of C and a workgroup spans wg * 8 columns, so the default wg = 64
// (512 columns) leaves most invocations of a narrow product idle: a 64x16x256 batch of 16 ran
// at 0.09 GFLOP/s in the 8-tensor ring of bench/einsum.ts. Model, fitted on lavapipe (2 cores,
// GPU ms, min of 9 interleaved runs under load; N = as given, T = swapped, suffix = wg):
//  - cost ~ workgroups * max(wg, 8) * pen: lavapipe runs a workgroup 8 invocations per SIMD
//    step, so fewer than 8 cost as much as 8 (300x6x160: N1 0.33 vs N4 0.46, T8 0.13), and
//    idle invocations cost like busy ones (1024x32x1024: N64 436 vs N4 10);
//  - pen = 4 when B (the operand each invocation reads its own columns of) has a column stride
//    other than 1: its 8 loads per k step are a gather at that stride, and power-of-two strides
//    of 4 KiB and more also alias in the cache (1024x32x1024: N4 10 with unit-stride B vs T4-T16
//    23 with B^T at stride 1024, for half the modelled work); the fit needs 2 < pen < 7.6;
//  - wg: below 16 column blocks, the power of two that covers them (1024x32x1024: wg 4 10,
//    wg 8 15, wg 16 83); from 16 blocks on, the tuned width DEFAULT_REGISTER_TILE.wg (16 since
//    the 16-row blocks; the loop below would pick among 16..wg by fewest idle invocations if
//    the default were wider, as it was at 64 with 8-row blocks);
//  - rows: the model counts 8-row blocks; 16-row blocks (registerRows, chosen after) change
//    the count by at most 1/8 and apply to both orientations alike;
//  - the swap is taken only where the model says it is cheaper.
const STRIDED_B_PENALTY = 4;
const SIMD_LANES = 8;
const MIN_WIDE_WG = 16;

function registerCost(m: number, n: number, batch: number, bColStride: number): { wg: number; cost: number } {
  const blocks = Math.ceil(n / 8);
  let wg = 1;
  while (wg < blocks && wg < MIN_WIDE_WG) wg *= 2;
  // Wide products: the 16-64 width that leaves the fewest idle invocations, ties to the wider.
  if (blocks >= MIN_WIDE_WG) {
    for (let w = MIN_WIDE_WG * 2; w <= DEFAULT_REGISTER_TILE.wg; w *= 2) if (Math.ceil(blocks / w) * w <= Math.ceil(blocks / wg) * wg) wg = w;
  }
  const workgroups = Math.ceil(blocks / wg) * Math.ceil(m / 8) * batch;
  return { wg, cost: workgroups * Math.max(wg, SIMD_LANES) * (bColStride === 1 ? 1 : STRIDED_B_PENALTY) };
}

/**
 * The register kernel's launch for an m x n product with `batch` batch elements, B read with
 * column stride bColStride and A with row stride aRowStride (B^T's column stride once swapped):
 * the workgroup width and whether to compute C^T = B^T A^T instead. Exported for benchmarks.
 */
export function registerLaunch(m: number, n: number, batch: number, aRowStride: number, bColStride: number): { swapped: boolean; tile: RegisterTile } {
  const asIs = registerCost(m, n, batch, bColStride);
  const swapped = registerCost(n, m, batch, aRowStride);
  if (swapped.cost < asIs.cost) return { swapped: true, tile: { wg: swapped.wg } };
  return { swapped: false, tile: { wg: asIs.wg } };
}

const transposed = (l: OperandLayout): OperandLayout => ({ offset: l.offset, rowStride: l.colStride, colStride: l.rowStride, batchStrides: l.batchStrides });

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
export function gemmKernel(
  variant: MatmulVariant,
  opts: { tile?: RegisterTile; aKFast?: boolean; bNFast?: boolean; bVec4?: boolean; aSubgroup?: number } = {},
): KernelSpec {
  if (variant === 'register') {
    const t = opts.tile ?? DEFAULT_REGISTER_TILE;
    const rows = t.rows ?? 8;
    const sg = opts.aSubgroup ?? 0;
    if (sg !== 0 && !subgroupRowsFit(sg, rows, t.wg)) throw new ValueError('gemm', `subgroup size ${sg} cannot broadcast ${rows} rows in workgroups of ${t.wg}`);
    return {
      name: 'matmul_reg',
      shader: 'core/matmul_reg.wgsl',
      defines: {
        WG: t.wg, ROWS16: rows === 16, B_VEC4: opts.bVec4 ?? false,
        A_SG: sg, A_LOADS2: sg > 0 && rows / sg >= 2, A_LOADS4: sg > 0 && rows / sg >= 4,
        A_SG_ROWS16: sg > 0 && rows === 16, A_ROWS16_LOADED: sg === 0 && rows === 16,
      },
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
 * permuted or transposed operand be used without a transpose pass. Returns how it ran: for the
 * register kernel (without `registerTile`) the workgroup width is fitted to the columns and
 * the product may run as C^T = B^T A^T (same arithmetic, same error bound).
 */
export async function gemmStrided(engine: Engine, g: GemmStridedArgs): Promise<GemmLaunch> {
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
  const variant = g.variant ?? matmulVariant(engine);
  if (g.m === 0 || g.n === 0 || batch === 0) return { variant, swapped: false };
  checkLayout(op, 'out', g.out, g.m, g.n, g.batchShape, g.outLayout);
  if (g.k > 0) {
    checkLayout(op, 'a', g.a, g.m, g.k, g.batchShape, g.aLayout);
    checkLayout(op, 'b', g.b, g.k, g.n, g.batchShape, g.bLayout);
  }
  // Register kernel without a caller's tile: pick the workgroup width and orientation.
  let swapped = false;
  let tile = g.registerTile ?? DEFAULT_REGISTER_TILE;
  if (variant === 'register' && !g.registerTile) {
    const l = registerLaunch(g.m, g.n, batch, g.aLayout.rowStride, g.bLayout.colStride);
    swapped = l.swapped;
    tile = l.tile;
  }
  // The product as launched: C^T (n x m) = B^T (n x k) A^T (k x m) when swapped.
  const [ta, tb, m, n] = swapped ? [g.b, g.a, g.n, g.m] : [g.a, g.b, g.m, g.n];
  if (variant === 'register' && tile.rows === undefined) tile = { ...tile, rows: registerRows(m) };
  const al = swapped ? transposed(g.bLayout) : g.aLayout;
  const bl = swapped ? transposed(g.aLayout) : g.bLayout;
  const cl = swapped ? transposed(g.outLayout) : g.outLayout;
  // vec4 loads of B need every 4-column group of B to be one aligned vec4 in the buffer.
  const bVec4 = variant === 'register' && bl.colStride === 1 && n % 4 === 0 && bl.rowStride % 4 === 0 &&
    (bl.offset ?? 0) % 4 === 0 && bl.batchStrides.every((s) => s % 4 === 0) && tb.size % 4 === 0;
  const sg = g.aSubgroup ?? engine.subgroupSize ?? 0;
  if (g.aSubgroup !== undefined && (engine.subgroupSize === null || engine.subgroupSize % g.aSubgroup !== 0)) {
    throw new ValueError(op, `aSubgroup ${g.aSubgroup} does not divide the engine's subgroup size (${engine.subgroupSize ?? 'none'})`);
  }
  const aSubgroup = variant === 'register' && subgroupRowsFit(sg, tile.rows ?? 8, tile.wg) ? sg : 0;
  const kernel = gemmKernel(variant, { tile, aKFast: al.colStride === 1, bNFast: bl.colStride === 1 || bl.rowStride !== 1, bVec4, aSubgroup });
  const workgroups: [number, number, number] =
    variant === 'register'
      ? [Math.ceil(n / (tile.wg * 8)), Math.ceil(m / (tile.rows ?? 8)), batch]
      : [Math.ceil(n / 64), Math.ceil(m / 64), batch];
  await engine.launch({
    op,
    kernel,
    uniforms: {
      m, n, k: g.k, alpha,
      a_off: al.offset ?? 0, b_off: bl.offset ?? 0, c_off: cl.offset ?? 0,
      batch_rank: g.batchShape.length,
      a_rs: al.rowStride, a_cs: al.colStride,
      b_rs: bl.rowStride, b_cs: bl.colStride,
      c_rs: cl.rowStride, c_cs: cl.colStride,
      _pad0: 0, _pad1: 0,
      batch_shape: g.batchShape, a_bs: al.batchStrides, b_bs: bl.batchStrides, c_bs: cl.batchStrides,
    },
    buffers: [ta, tb, g.out],
    workgroups,
    cost: { flops: 2 * g.m * g.n * g.k * batch, bytes: 4 * batch * (g.m * g.k + g.k * g.n + g.m * g.n) },
  });
  gemmStats.launches++;
  if (swapped) gemmStats.swapped++;
  if (variant === 'register' && tile.wg < DEFAULT_REGISTER_TILE.wg) gemmStats.narrowTiles++;
  return variant === 'register' ? { variant, swapped, tile, aSubgroup } : { variant, swapped };
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
