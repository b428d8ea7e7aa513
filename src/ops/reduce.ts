// Reductions: sum, max, min, mean, logsumexp over all elements or along one axis
// (shaders/core/reduce_axis.wgsl).
//
// Order of operations. The input is viewed as [outer, len, inner] and reduced along len. Each
// pass splits len into blocks; every block is reduced with a balanced tree and leaves one
// partial; passes repeat on the partials until one value per column is left. Contiguous rows
// (inner = 1) of at least LANE_GROUPS_MIN elements start with passes where each lane reduces
// its own block of PER_LANE elements in registers (no workgroup memory, no barrier); other
// passes give a workgroup a block of PER_LANE*TL elements per column (PER_LANE per lane in
// registers, then TL lanes through workgroup memory, 16 at a time). Where columns start on a
// multiple of 4 elements (inner = 1), lanes read vec4s. So every result is a balanced tree,
// never a long serial sum (three passes for 2^20 elements).
//
// Accuracy. Along any element's path through the tree there are at most
// D = reduceDepth(shape, axis) rounded additions (about ceil(log2 len), plus at most one per
// extra pass: 21 for 2^20 + 3 elements, where ideal pairwise summation has 21), so
// (Higham 4.2, first order)
//   |sum - exact| <= D * u * sum|x_i|,  u = 2^-24.
// max and min are exact. mean multiplies the sum by fl(1/len): bound (D + 2) * u * sum|x_i| / len.
// logsumexp is m + log(S), S = sum exp(d_i), d_i = x_i - m, m the exact max (two passes, so
// exp never overflows and S >= 1). Term i is off by at most (6 + 5|d_i|) u exp(d_i) (the
// rounding of x_i - m, then WGSL's exp: 3 + 2|d| ULP), the tree sum by D u S, log adds WGSL's
// 2^-21 absolute (3 ULP outside [0.5, 2]) and the final + m one rounding, so
//   |lse - exact| <= (D + 6 + 5 w) u + 2^-21 + 6 u |log S| + u |lse|,
// w = sum |d_i| exp(d_i) / S, the exp-weighted mean distance below the max (w <= max |d_i|,
// and w <= n / (e S) since |d| exp(d) <= 1/e; the tests use the exact per-term sum). With
// |x| ~ 1000 the last term dominates: about 6e-5 absolute, i.e. correct to f32 precision.
// Where m is +-inf the result is m.
// i32 and u32 sums are exact modulo 2^32 (they wrap on overflow, as WGSL integers do).
// NaN propagation through max/min follows the adapter's max()/min() and is not guaranteed.
//
// Empty reductions: sum of zero elements is 0; max, min, mean and logsumexp of zero elements
// throw ValueError (they have no value there).
import { Tensor, numel, type Shape } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import type { Engine } from '../../runtime/engine.js';
import type { DType } from '../../runtime/dtype.js';
import { LimitError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { engineOf, requireDType } from './common.js';

export type ReduceOp = 'sum' | 'max' | 'min' | 'mean' | 'logsumexp';

export interface ReduceOptions {
  /** Keep the reduced axis (or, with no axis, every axis) as a dimension of length 1. */
  keepDims?: boolean;
}

// Invocations per workgroup: within every adapter's limit, 1 KiB of workgroup memory. 64 and
// 256 ran a 2^24-element sum at the same speed on lavapipe (within its run-to-run noise on
// the shared 2-core machine); 256 is the usual choice on GPUs.
const WG = 256;
// Elements each lane reduces in registers per pass: 8, 16 or 32 (a balanced tree, unrolled in
// the shader). Each barrier is expensive on CPU drivers, so more work per lane pays: on
// lavapipe a 2^24-element sum ran about 1.8x faster with 32 than with 16 (before the
// barrier-free first passes). The scalar pipelines with 32 unrolled loads take about 0.7 CPU-s
// to compile on lavapipe (0.4 with 16); the vec4 ones, used by contiguous rows, hold 8 loads.
const PER_LANE = 32 as 8 | 16 | 32;
// Adjacent columns per workgroup that we try to keep when inner > 1, so that lanes read
// consecutive addresses along inner (16 floats = one 64-byte segment).
const MAX_TI_PREF = 16;

const COMBINE: Record<'sum' | 'max' | 'min', string> = {
  sum: 'a + b',
  max: 'max(a, b)',
  min: 'min(a, b)',
};

const DTYPES: Record<ReduceOp, readonly DType[]> = {
  sum: ['f32', 'i32', 'u32'],
  max: ['f32', 'i32', 'u32'],
  min: ['f32', 'i32', 'u32'],
  mean: ['f32'],
  logsumexp: ['f32'],
};

function nextPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/**
 * Lanes per column (TL: 1, 16 or 256) for a pass over `len` elements: enough lanes that one
 * block of PER_LANE*TL covers len when it is short, fewer when adjacent columns (inner > 1)
 * should share a workgroup. Three sizes keep the number of pipelines (and lavapipe's compile
 * time, about 0.4 s each) small.
 */
function lanesFor(len: number, inner: number): number {
  const want = Math.ceil(len / PER_LANE);
  const cap = WG / Math.min(nextPow2(inner), MAX_TI_PREF);
  let tl = 1;
  while (tl < want && tl * 16 <= cap) tl *= 16;
  return tl;
}

interface Pass {
  len: number;
  /** Lanes per column (1 with laneGroups). */
  tl: number;
  /** Blocks along len (partials per column). */
  groups: number;
  /** Every lane reduces its own block of PER_LANE elements; no workgroup combine. */
  laneGroups: boolean;
}

// Rows at least this long (with inner = 1) start with LANE_GROUPS passes: on lavapipe the
// barriers of the workgroup combine cost more than the loads, so a pass whose lanes each write
// a partial (1/PER_LANE more traffic) is faster; shorter rows go straight to workgroup trees.
const LANE_GROUPS_MIN = 16 * WG * PER_LANE;

/** Block lengths of successive passes for a reduction of `len` elements with `inner` columns stride. */
function passPlan(len: number, inner: number): Pass[] {
  const plan: Pass[] = [];
  let cur = len;
  for (;;) {
    if (inner === 1 && cur >= LANE_GROUPS_MIN) {
      // Long contiguous rows: one block per lane, no barriers (reduce_axis.wgsl, LANE_GROUPS).
      const groups = Math.ceil(cur / PER_LANE);
      plan.push({ len: cur, tl: 1, groups, laneGroups: true });
      cur = groups;
      continue;
    }
    const tl = lanesFor(cur, inner);
    const groups = Math.ceil(cur / (PER_LANE * tl));
    plan.push({ len: cur, tl, groups, laneGroups: false });
    if (groups === 1) return plan;
    cur = groups;
  }
}

const clog2 = (n: number) => Math.ceil(Math.log2(Math.max(1, n)));

/**
 * The largest number of rounded additions on any element's path through the reduction tree
 * that `sum`/`mean`/`logsumexp` use for this shape and axis (all elements when axis is
 * undefined). Error bound of the sum: reduceDepth * 2^-24 * sum|x_i|.
 */
export function reduceDepth(shape: Shape, axis?: number): number {
  const { outer, len, inner } = layout('reduceDepth', shape, axis);
  if (len === 0) return 0;
  let depth = 0;
  for (const pass of passPlan(len, inner)) {
    // A lane holds at most min(PER_LANE, ceil(len/TL)) valid elements of its block (a prefix of
    // its slots, so its register tree has that many levels), and at most min(TL, len) lanes
    // hold any; the adds with padding (0) are exact.
    let d = clog2(Math.min(PER_LANE, Math.ceil(pass.len / pass.tl))) + clog2(Math.min(pass.tl, pass.len));
    if (vec4Layout(outer, pass.len, inner)) {
      // The vec4 path (taken unless the buffer lacks room for the rounding): a lane holds a
      // prefix of at most min(PER_LANE/4, ceil(len4/TL)) valid vec4s (componentwise tree),
      // then a tree over its 4 components (min(4, len) valid), and min(TL, len4) lanes hold
      // any, len4 = ceil(len/4). Equal to the scalar depth for long passes; the larger of the
      // two bounds either path.
      const len4 = Math.ceil(pass.len / 4);
      const d4 = clog2(Math.min(PER_LANE / 4, Math.ceil(len4 / pass.tl))) + clog2(Math.min(4, pass.len)) + clog2(Math.min(pass.tl, len4));
      d = Math.max(d, d4);
    }
    depth += d;
  }
  return depth;
}

interface Layout {
  outer: number;
  len: number;
  inner: number;
  outShape: number[];
}

function layout(op: string, shape: Shape, axis: number | undefined, keepDims = false): Layout {
  const n = numel(shape);
  if (axis === undefined) {
    return { outer: 1, len: n, inner: 1, outShape: keepDims ? shape.map(() => 1) : [] };
  }
  const rank = shape.length;
  if (!Number.isInteger(axis)) throw new ValueError(op, `axis ${axis} is not an integer (tensor ${fmtShape(shape)})`);
  if (axis < -rank || axis >= rank) {
    throw new ShapeError(
      op,
      rank === 0
        ? `axis ${axis} given for a rank-0 tensor ${fmtShape(shape)}, which has no axes`
        : `axis ${axis} is out of range for rank ${rank} tensor ${fmtShape(shape)} (expected ${-rank} <= axis < ${rank})`,
    );
  }
  const ax = axis < 0 ? axis + rank : axis;
  const outer = numel(shape.slice(0, ax));
  const inner = numel(shape.slice(ax + 1));
  const outShape = keepDims ? shape.map((d, i) => (i === ax ? 1 : d)) : shape.filter((_, i) => i !== ax);
  return { outer, len: shape[ax]!, inner, outShape };
}

/** The pipelines: one per combine x dtype x TL; logsumexp's exp-sum is the 'lse' kind. */
type PassKind = 'sum' | 'max' | 'min' | 'lse';

/**
 * Whether a pass over [outer, len, 1] can read x as vec4s (reduce_axis.wgsl, VEC4): every
 * column must start on a multiple of 4 elements. The binding is then rounded up to whole
 * vec4s, which the op checks the buffer has room for (pool buffers always do).
 */
function vec4Layout(outer: number, len: number, inner: number): boolean {
  return inner === 1 && (outer === 1 || len % 4 === 0);
}

function spec(kind: PassKind, dtype: DType, tl: number, vec4: boolean, laneGroups: boolean): KernelSpec {
  const combine = kind === 'lse' ? 'sum' : kind;
  const lse = kind === 'lse';
  return {
    name: lse ? 'reduce_logsumexp' : `reduce_${kind}`,
    shader: 'core/reduce_axis.wgsl',
    defines: {
      T: dtype,
      OP: COMBINE[combine],
      IDEMPOTENT: combine !== 'sum',
      MAP: lse ? 'exp(v - sh)' : 'v',
      // Float sums end with * scale: 1 for sum (exact), fl(1/len) for mean.
      POST: lse ? 'select(log(v) + sh, m, abs(m) > 0x1.fffffep+127f)' : kind === 'sum' && dtype === 'f32' ? 'v * p.scale' : 'v',
      SHIFT: lse,
      WG,
      TL: tl,
      TI: laneGroups ? 1 : WG / tl,
      PER_LANE,
      VEC4: vec4,
      LANE_GROUPS: laneGroups,
      FOUR_CHUNKS: PER_LANE === 32,
      TWO_CHUNKS: PER_LANE === 16,
    },
    bindings: lse ? ['read', 'read_write', 'read'] : ['read', 'read_write'],
    uniforms: [
      { name: 'first', type: 'u32' },
      { name: 'last', type: 'u32' },
      { name: 'len', type: 'u32' },
      { name: 'inner', type: 'u32' },
      { name: 'groups', type: 'u32' },
      { name: 'columns', type: 'u32' },
      { name: 'tiles', type: 'u32' },
      { name: 'total', type: 'u32' },
      { name: 'scale', type: 'f32' },
    ],
  };
}

interface RunArgs {
  engine: Engine;
  op: ReduceOp;
  kind: PassKind;
  x: Tensor;
  outer: number;
  len: number;
  inner: number;
  /** Output tensor for the last pass (outer * inner elements). */
  out: Tensor;
  /** Multiplier of float sums on the last pass (mean: fl(1/len)). */
  scale?: number;
  /** logsumexp: one shift (the max) per column. */
  shift?: Tensor;
}

/** Records the passes of one reduction along len; the partials of each pass are freed after the next reads them. */
async function runPasses(a: RunArgs): Promise<void> {
  const { engine, op, kind, x, outer, inner, out } = a;
  const columns = outer * inner;
  let src: Tensor = x;
  const plan = passPlan(a.len, inner);
  try {
    for (let p = 0; p < plan.length; p++) {
      const { len, tl, groups, laneGroups } = plan[p]!;
      const first = p === 0;
      const last = p === plan.length - 1;
      const dst = last ? out : engine.empty([outer, groups, inner], x.dtype, op);
      const tiles = laneGroups ? Math.ceil(groups / WG) : Math.ceil(columns / (WG / tl));
      const total = laneGroups ? tiles * columns : tiles * groups;
      const vecBytes = Math.ceil((columns * len) / 4) * 16;
      // The rounding must fit the buffer and the binding limit; else the scalar path reads it.
      const vec4 = vec4Layout(outer, len, inner) && vecBytes <= src.buffer.size && vecBytes <= engine.limits.maxStorageBufferBindingSize;
      try {
        await engine.launch({
          op,
          kernel: spec(kind, x.dtype, tl, vec4, laneGroups),
          uniforms: { first: first ? 1 : 0, last: last ? 1 : 0, len, inner, groups, columns, tiles, total, scale: a.scale ?? 1 },
          buffers: [vec4 ? { buffer: src.buffer, offset: 0, size: vecBytes } : src, dst, ...(kind === 'lse' ? [a.shift!] : [])],
          workgroups: { linear: total },
          cost: { flops: columns * len * (first && kind === 'lse' ? 4 : 1), bytes: 4 * (columns * len + columns * groups) },
        });
      } catch (e) {
        if (!last) dst.dispose();
        throw e;
      }
      if (src !== x) src.dispose();
      src = dst;
    }
  } finally {
    if (src !== x && src !== out) src.dispose();
  }
}

/**
 * Reduces x over all elements (axis undefined: result shape [], or all ones with keepDims) or
 * along one axis (negative counts from the end). sum/max/min take f32, i32, u32; mean and
 * logsumexp take f32. See the file comment for the error bounds.
 */
export async function reduce(op: ReduceOp, x: Tensor, axis?: number, options: ReduceOptions = {}): Promise<Tensor> {
  const engine = engineOf(op, x);
  requireDType(op, x, DTYPES[op]);
  const { outer, len, inner, outShape } = layout(op, x.shape, axis, options.keepDims ?? false);
  if (x.size >= 2 ** 32) throw new LimitError(op, `${fmtShape(x.shape)} has ${x.size} elements, over the 2^32 - 1 that u32 indexing allows`);
  const columns = outer * inner;
  if (len === 0 && columns > 0) {
    const what = axis === undefined ? `all elements of ${fmtShape(x.shape)}` : `axis ${axis} of ${fmtShape(x.shape)}, which has length 0`;
    if (op !== 'sum') throw new ValueError(op, `cannot reduce zero elements (${what}): ${op} of nothing is undefined`);
    // Sum of nothing is 0.
    return engine.tensor(new (x.dtype === 'i32' ? Int32Array : x.dtype === 'u32' ? Uint32Array : Float32Array)(columns), outShape, x.dtype);
  }
  const out = engine.empty(outShape, x.dtype, op);
  if (columns === 0) return out;
  try {
    const base = { engine, op, x, outer, len, inner, out };
    if (op === 'sum' || op === 'max' || op === 'min') {
      await runPasses({ ...base, kind: op });
    } else if (op === 'mean') {
      await runPasses({ ...base, kind: 'sum', scale: Math.fround(1 / len) });
    } else {
      // logsumexp: m = max (exact), then m + log(sum exp(x - m)); where m is +-inf the
      // result is m (see reduce_axis.wgsl).
      const m = engine.empty([columns], 'f32', op);
      try {
        await runPasses({ ...base, kind: 'max', out: m });
        await runPasses({ ...base, kind: 'lse', shift: m });
      } finally {
        m.dispose();
      }
    }
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/** Sum over all elements, or along `axis`. f32 error <= reduceDepth * 2^-24 * sum|x|; integers wrap mod 2^32. */
export const sum = (x: Tensor, axis?: number, options?: ReduceOptions) => reduce('sum', x, axis, options);
/** Largest element (exact). ValueError over zero elements. */
export const max = (x: Tensor, axis?: number, options?: ReduceOptions) => reduce('max', x, axis, options);
/** Smallest element (exact). ValueError over zero elements. */
export const min = (x: Tensor, axis?: number, options?: ReduceOptions) => reduce('min', x, axis, options);
/** Arithmetic mean (f32). Error <= (reduceDepth + 2) * 2^-24 * sum|x| / n. ValueError over zero elements. */
export const mean = (x: Tensor, axis?: number, options?: ReduceOptions) => reduce('mean', x, axis, options);
/** log(sum(exp(x))) computed as m + log(sum(exp(x - m))), m the max: never overflows (f32). ValueError over zero elements. */
export const logsumexp = (x: Tensor, axis?: number, options?: ReduceOptions) => reduce('logsumexp', x, axis, options);
