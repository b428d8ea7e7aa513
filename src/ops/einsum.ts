// einsum: Einstein summation over any number of f32 operands, on the GPU.
//
// The equation is parsed and a pairwise path chosen on the host (einsum-path.ts); each step is
// then canonicalised into batch / free-left / free-right / contracted index groups:
//  - When every group is expressible by strides (the indices of a group merge into one stride
//    in each operand that holds them) and the product is not tiny, the step is ONE call of
//    matmul's strided batched GEMM (gemmStrided, the same kernels as matmul): the permutation
//    of the operands is folded into the strides, so no transpose pass is run. Free indices that
//    do not merge are moved into the batch stride table (with stride 0 in the other operand).
//    Tall-and-narrow steps (few columns, many rows, as a ring's cross bonds give) are run by
//    gemmStrided as C^T = B^T A^T with a workgroup fitted to the columns, again by strides only
//    (einsumStats.swappedGemmSteps counts them).
//  - Contracted indices that do not merge (they appear in different orders in the two operands,
//    or are split by a free index, as in 'abcd,dcbe->ae'): when the product is large enough,
//    the operand that is cheaper to move is permuted (permute.ts) into a layout where
//    the contracted group is one stride in both, and the GEMM runs; an explicit permute only
//    where the strides are hostile. Smaller such steps stay on the direct kernel.
//  - Otherwise (indices summed out of one operand only, diagonals the GEMM cannot read, tiny
//    products, Hadamard products) a direct strided kernel
//    (shaders/tn/contract_direct.wgsl) computes each output element as one serial sum, reading
//    every operand through its own stride table; traces and diagonals are strides added up.
//  - A single-operand full reduction of a contiguous tensor goes to the tree reduction of
//    reduce.ts (better rounding than a serial sum).
// Large sums with few outputs (a dot product of 10^6 terms) are split in two passes (partial
// sums over the outermost summed index, then their sum), so no invocation runs 10^6 serial steps.
//
// Slicing: when an intermediate would exceed the memory limit (default the device's
// maxStorageBufferBindingSize, or { memoryLimit } bytes) the planner fixes the values of one
// or more indices (as cotengra does), runs the network once per value combination on offset
// views, and writes output slices or accumulates into the output.
//
// Plans are cached per engine by (equation, shapes, dtype, options): a repeated call does no
// planning (plannerStats.calls unchanged) and compiles nothing.
//
// Accuracy: every step is a serial f32 FMA sum (or a tree sum), so each element of a step's
// result has error <= K_s * u * (sum of |terms|) with K_s its contraction length and
// u = 2^-24; along a path the bounds add: |einsum - exact| <= (sum_s K_s + steps + slices) * u
// * einsum(|A|, |B|, ...) to first order.
import { Tensor, numel } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec, UniformField } from '../../runtime/kernel.js';
import { LimitError, ValueError, fmtShape } from '../../runtime/errors.js';
import { MAX_RANK, WG_1D, contiguousStrides, engineOf, requireDType } from './common.js';
import { gemmStrided } from './matmul.js';
import { permute, MAX_PERMUTE_RANK } from './permute.js';
import { sum as reduceSum } from './reduce.js';
import { parseEinsum, planPath, type ContractionPath, type ParsedEinsum, type PathInfo, type PathStrategy } from './einsum-path.js';

export interface EinsumOptions {
  /** Path strategy or an explicit path (pairs of positions, numpy style). Default 'auto'. */
  path?: PathStrategy | ContractionPath;
  /** Largest intermediate, in bytes; beyond it the contraction is sliced. Default: the device's maxStorageBufferBindingSize. */
  memoryLimit?: number;
  /** Use the strided GEMM where a step allows it (default true); false forces the direct kernel (testing). */
  gemm?: boolean;
}

const OP = 'einsum';

/** What a step is run with, counted for tests and reports. */
export const einsumStats = { gemmSteps: 0, directSteps: 0, reduceSteps: 0, splitKSteps: 0, permutedGemmSteps: 0, swappedGemmSteps: 0 };

interface Plan {
  parsed: ParsedEinsum;
  info: PathInfo;
  /** Labels whose values are fixed per slice. */
  sliced: number[];
  nSlices: number;
  outShape: number[];
}

interface View {
  t: Tensor;
  off: number;
  /** Stride of each label the view holds (a repeated label's strides are added: its diagonal). */
  strides: Map<number, number>;
  /** Whether the tensor is an intermediate this call owns. */
  owned: boolean;
}

// A contracted group that is not one stride in both operands is permuted into place (then the
// GEMM runs) when the product has at least PERMUTE_GEMM_MIN_WORK multiply-adds and
// PERMUTE_GEMM_WORK_PER_ELEMENT multiply-adds per element moved; else the direct kernel reads
// the operands in place. Measured on lavapipe (2 cores, 'abcd,dcbe->ae', GPU ms, direct vs
// permute + GEMM): m x n x k = 8x512x512: 15 vs 0.7, 512x512x512: 3964 vs 148, 8x128x512: 3.9
// vs 0.7, 8x128x64: 0.5 vs 0.1; below ~2^15 multiply-adds both are launch overhead. Narrow
// products used to stay direct (a 128-column minimum: the register GEMM's 512-column workgroups
// idled), but gemmStrided now fits the workgroup to the columns and swaps tall-and-narrow
// products, and the narrow cases turned round (min of 7 runs under load): 32x32x512 2.0 vs
// 0.46, 16x16x4096 2.9 vs 1.4, 67x41x105 2.2 vs 0.26, 'bhdf,fjhk->bdjk' (256x64x256) 9.6 vs 1.05.
const PERMUTE_GEMM_MIN_WORK = 1 << 16;
const PERMUTE_GEMM_WORK_PER_ELEMENT = 8;

// Matrix sides the GEMM takes (rows and columns, either orientation: gemmStrided swaps them as
// needed): the shorter at least GEMM_MIN_SIDE, the longer at least GEMM_MIN_LONG_SIDE. Measured
// (direct vs GEMM, GPU ms, min of 7 under load): 2000x500 times 500x{3,2,1}: 5.0 vs 2.5, 3.3 vs
// 2.0, 1.6 vs 2.0 (a matrix-vector product fills one row of each 8x8 register block: direct);
// 1x500x2000 1.7 vs 1.6 and 4x500x2000 9.2 vs 1.6; batches of 512 8x8x8 products 2.0 vs 0.5 but
// of 4x32x4 ones 0.79 vs 0.85 (blocks 1/4 full: direct).
const GEMM_MIN_SIDE = 2;
const GEMM_MIN_LONG_SIDE = 8;
const gemmShapeOk = (m: number, n: number) => Math.min(m, n) >= GEMM_MIN_SIDE && Math.max(m, n) >= GEMM_MIN_LONG_SIDE;

const planCache = new WeakMap<Engine, Map<string, Plan>>();

function directSpec(unary: boolean): KernelSpec {
  const arr = (name: string): UniformField => ({ name, type: 'u32', length: MAX_RANK });
  return {
    name: unary ? 'contract_direct_unary' : 'contract_direct',
    shader: 'tn/contract_direct.wgsl',
    defines: { UNARY: unary, WG: WG_1D },
    bindings: unary ? ['read', 'read_write'] : ['read', 'read', 'read_write'],
    uniforms: [
      { name: 'n_out', type: 'u32' },
      { name: 'out_rank', type: 'u32' },
      { name: 'red_rank', type: 'u32' },
      { name: 'red_inner', type: 'u32' },
      { name: 'n_red_outer', type: 'u32' },
      { name: 'a_off', type: 'u32' },
      { name: 'b_off', type: 'u32' },
      { name: 'c_off', type: 'u32' },
      { name: 'a_inner', type: 'u32' },
      { name: 'b_inner', type: 'u32' },
      { name: 'beta', type: 'f32' },
      { name: '_pad0', type: 'u32' },
      arr('out_shape'), arr('a_os'), arr('b_os'), arr('c_os'), arr('red_shape'), arr('a_rs'), arr('b_rs'),
    ],
  };
}

/** The kernels einsum may launch, for engine.warmup. */
export function einsumKernels(): KernelSpec[] {
  return [directSpec(false), directSpec(true)];
}

/**
 * Merges neighbouring dimensions whose strides agree in every operand (stride[j] = stride[j+1]
 * * size[j+1]) and drops size-1 dimensions. dims: [size, stride per operand...].
 */
function coalesce(dims: { size: number; s: number[] }[]): { size: number; s: number[] }[] {
  const out: { size: number; s: number[] }[] = [];
  for (const d of dims) {
    if (d.size === 1) continue;
    const last = out[out.length - 1];
    if (last && last.s.every((s, i) => s === d.s[i]! * d.size)) {
      last.size *= d.size;
      last.s = d.s.slice();
    } else out.push({ size: d.size, s: d.s.slice() });
  }
  return out;
}

function chooseSlices(parsed: ParsedEinsum, info: PathInfo, limitBytes: number): number[] {
  const inter = info.steps.slice(0, -1).map((s) => ({ labels: s.result, size: s.resultSize }));
  const sizes = parsed.sizes;
  const sliced: number[] = [];
  const sizeAfter = (labels: number[], extra: number | null) =>
    labels.reduce((acc, l) => (sliced.includes(l) || l === extra ? acc : acc * sizes[l]!), 1);
  const maxAfter = (extra: number | null) => inter.reduce((m, s) => Math.max(m, sizeAfter(s.labels, extra)), 0);
  while (maxAfter(null) * 4 > limitBytes) {
    const cands = new Set<number>();
    const worst = maxAfter(null);
    for (const s of inter) if (sizeAfter(s.labels, null) === worst) for (const l of s.labels) if (!sliced.includes(l) && sizes[l]! > 1) cands.add(l);
    let best = -1;
    let bestMax = Infinity;
    for (const l of [...cands].sort((x, y) => x - y)) {
      const m = maxAfter(l);
      // Among equal gains prefer the smaller index: fewer slices to run.
      if (m < bestMax || (m === bestMax && sizes[l]! < sizes[best]!)) {
        bestMax = m;
        best = l;
      }
    }
    if (best < 0) {
      throw new LimitError(OP, `an intermediate of ${worst} elements exceeds the memory limit of ${limitBytes} bytes and no index is left to slice`);
    }
    sliced.push(best);
  }
  return sliced;
}

function getPlan(engine: Engine, equation: string, shapes: number[][], options: EinsumOptions): Plan {
  const limit = options.memoryLimit ?? Math.min(engine.limits.maxStorageBufferBindingSize, engine.limits.maxBufferSize);
  if (!(limit > 0)) throw new ValueError(OP, `memoryLimit = ${options.memoryLimit} must be a positive number of bytes`);
  const key = `${equation}|${shapes.map((s) => s.join('x')).join(';')}|f32|${JSON.stringify(options.path ?? 'auto')}|${limit}`;
  let cache = planCache.get(engine);
  if (!cache) planCache.set(engine, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = parseEinsum(equation, shapes);
  const info = planPath(parsed, options.path ?? 'auto');
  const outShape = parsed.output.map((l) => parsed.sizes[l]!);
  const outBytes = numel(outShape) * 4;
  const maxBinding = engine.limits.maxStorageBufferBindingSize;
  if (outBytes > maxBinding) {
    throw new LimitError(OP, `the output ${fmtShape(outShape)} needs ${outBytes} bytes, over maxStorageBufferBindingSize = ${maxBinding}`);
  }
  const sliced = chooseSlices(parsed, info, limit);
  const nSlices = sliced.reduce((n, l) => n * parsed.sizes[l]!, 1);
  const plan: Plan = { parsed, info, sliced, nSlices, outShape };
  if (cache.size > 512) cache.clear();
  cache.set(key, plan);
  return plan;
}

interface Target {
  t: Tensor;
  off: number;
  strides: Map<number, number>;
  beta: number;
}

class Runner {
  constructor(
    readonly engine: Engine,
    readonly sizes: readonly number[],
    readonly useGemm: boolean,
  ) {}

  size(l: number): number {
    return this.sizes[l]!;
  }

  /** A fresh contiguous tensor holding `labels` in order. */
  fresh(labels: number[]): { view: View; target: Target } {
    const t = this.engine.empty([numel(labels.map((l) => this.size(l)))], 'f32', OP);
    const cs = contiguousStrides(labels.map((l) => this.size(l)));
    const strides = new Map(labels.map((l, i) => [l, cs[i]!]));
    return { view: { t, off: 0, strides, owned: true }, target: { t, off: 0, strides, beta: 0 } };
  }

  /** Runs one step: result (labels `keep`, in order) from a and optional b, into target or a new tensor. */
  async step(a: View, b: View | null, keep: number[], target: Target | null): Promise<View> {
    const keepSet = new Set(keep);
    const red = [...new Set([...a.strides.keys(), ...(b ? b.strides.keys() : [])])].filter((l) => !keepSet.has(l));
    const K = red.reduce((n, l) => n * this.size(l), 1);
    const nOut = keep.reduce((n, l) => n * this.size(l), 1);
    // Split-K: few outputs, long sums. Keep the largest summed index in a partial result first.
    if (K >= 1 << 16 && nOut < 256 && red.length > 0) {
      const r = red.reduce((x, y) => (this.size(y) > this.size(x) ? y : x));
      if (this.size(r) >= 16 && this.size(r) < K) {
        einsumStats.splitKSteps++;
        const partial = await this.step(a, b, [r, ...keep], null);
        try {
          return await this.step(partial, null, keep, target);
        } finally {
          partial.t.dispose();
        }
      }
    }
    let fresh: { view: View; target: Target } | null = null;
    if (!target) {
      fresh = this.fresh(keep);
      target = fresh.target;
    }
    try {
      if (nOut > 0) {
        const done = (b && this.useGemm && (await this.tryGemm(a, b, keep, red, target))) || (!b && (await this.tryReduce(a, keep, red, target)));
        if (!done) await this.direct(a, b, keep, red, target);
      }
    } catch (e) {
      fresh?.view.t.dispose();
      throw e;
    }
    return fresh ? fresh.view : { t: target.t, off: target.off, strides: target.strides, owned: false };
  }

  async direct(a: View, b: View | null, keep: number[], red: number[], target: Target): Promise<void> {
    einsumStats.directSteps++;
    const sa = (l: number) => a.strides.get(l) ?? 0;
    const sb = (l: number) => b?.strides.get(l) ?? 0;
    const outDims = coalesce(keep.map((l) => ({ size: this.size(l), s: [sa(l), sb(l), target.strides.get(l)!] })));
    // Innermost summed index: the one with the smallest stride in A (contiguous reads).
    const redSorted = [...red].sort((x, y) => sa(y) - sa(x) || sb(y) - sb(x));
    const redDims = coalesce(redSorted.map((l) => ({ size: this.size(l), s: [sa(l), sb(l)] })));
    const K = red.reduce((n, l) => n * this.size(l), 1);
    if (K === 0) redDims.splice(0, redDims.length, { size: 0, s: [0, 0] });
    const inner = redDims.pop() ?? { size: 1, s: [0, 0] };
    if (outDims.length > MAX_RANK || redDims.length > MAX_RANK) {
      throw new LimitError(OP, `a step has ${outDims.length} output and ${redDims.length + 1} summed index groups after merging; at most ${MAX_RANK} each`);
    }
    const col = (k: number, ds: { size: number; s: number[] }[]) => ds.map((d) => d.s[k]!);
    const nOut = outDims.reduce((n, d) => n * d.size, 1);
    const nRedOuter = redDims.reduce((n, d) => n * d.size, 1);
    await this.engine.launch({
      op: OP,
      kernel: directSpec(b === null),
      uniforms: {
        n_out: nOut, out_rank: outDims.length, red_rank: redDims.length, red_inner: inner.size, n_red_outer: nRedOuter,
        a_off: a.off, b_off: b?.off ?? 0, c_off: target.off, a_inner: inner.s[0]!, b_inner: inner.s[1]!, beta: target.beta, _pad0: 0,
        out_shape: outDims.map((d) => d.size), a_os: col(0, outDims), b_os: col(1, outDims), c_os: col(2, outDims),
        red_shape: redDims.map((d) => d.size), a_rs: col(0, redDims), b_rs: col(1, redDims),
      },
      buffers: b ? [a.t, b.t, target.t] : [a.t, target.t],
      workgroups: { linear: Math.ceil(nOut / WG_1D) },
      cost: { flops: (b ? 2 : 1) * nOut * K, bytes: 4 * (nOut * K * (b ? 2 : 1) + nOut) },
    });
  }

  /** Full sum of a contiguous operand (no diagonal): the tree reduction. */
  async tryReduce(a: View, keep: number[], red: number[], target: Target): Promise<boolean> {
    if (keep.length !== 0 || red.length === 0 || a.off !== 0) return false;
    const labels = [...a.strides.keys()].sort((x, y) => a.strides.get(y)! - a.strides.get(x)!);
    const n = labels.reduce((m, l) => m * this.size(l), 1);
    if (n < 4096 || n !== a.t.size) return false;
    const cs = contiguousStrides(labels.map((l) => this.size(l)));
    if (!labels.every((l, i) => a.strides.get(l) === cs[i])) return false;
    einsumStats.reduceSteps++;
    const s = await reduceSum(a.t);
    try {
      await this.direct({ t: s, off: 0, strides: new Map(), owned: true }, null, [], [], target);
    } finally {
      s.dispose();
    }
    return true;
  }

  /**
   * Orders a free group by its operand's strides (largest first) and splits it into runs that
   * merge in both the operand and the output; returns the largest run (the matrix dimension)
   * and the rest (to go into the batch table).
   */
  splitRuns(group: number[], x: View, target: Target): { main: number[]; rest: number[] } {
    const sorted = [...group].filter((l) => this.size(l) > 1).sort((p, q) => x.strides.get(q)! - x.strides.get(p)!);
    const runs: number[][] = [];
    for (const l of sorted) {
      const run = runs[runs.length - 1];
      const prev = run?.[run.length - 1];
      if (run && prev !== undefined && x.strides.get(prev) === x.strides.get(l)! * this.size(l) && target.strides.get(prev) === target.strides.get(l)! * this.size(l)) run.push(l);
      else runs.push([l]);
    }
    const prod = (r: number[]) => r.reduce((n, l) => n * this.size(l), 1);
    let bi = -1;
    runs.forEach((r, i) => {
      if (bi < 0 || prod(r) > prod(runs[bi]!)) bi = i;
    });
    const main = bi >= 0 ? runs[bi]! : [];
    return { main, rest: runs.filter((_, i) => i !== bi).flat() };
  }

  /** Labels of size > 1 among `ls`, ordered by x's strides, largest first. */
  byStride(ls: readonly number[], x: View): number[] {
    return ls.filter((l) => this.size(l) > 1).sort((p, q) => x.strides.get(q)! - x.strides.get(p)!);
  }

  /** Whether the labels (in this order) form one stride in x: each stride is the next one times its size. */
  merges(ls: readonly number[], x: View): boolean {
    for (let i = 0; i + 1 < ls.length; i++) {
      if (x.strides.get(ls[i]!) !== x.strides.get(ls[i + 1]!)! * this.size(ls[i + 1]!)) return false;
    }
    return true;
  }

  /**
   * A contiguous copy of x with its labels in `order` (permute.ts), or null when x is not a plain
   * permuted tensor (an offset slice, a diagonal) or needs more than MAX_PERMUTE_RANK axes
   * after merging the labels that stay adjacent. The copy is owned by the caller.
   */
  async relayout(x: View, order: readonly number[]): Promise<View | null> {
    if (x.off !== 0) return null;
    const to = order.filter((l) => this.size(l) > 1);
    if (to.length !== [...x.strides.keys()].filter((l) => this.size(l) > 1).length || !to.every((l) => x.strides.has(l))) return null;
    const from = this.byStride(to, x);
    const cs = contiguousStrides(from.map((l) => this.size(l)));
    if (!from.every((l, i) => x.strides.get(l) === cs[i])) return null;
    // Runs of target labels that are also consecutive in the source move as one axis.
    const groups: number[][] = [];
    for (const l of to) {
      const g = groups[groups.length - 1];
      if (g && from.indexOf(g[g.length - 1]!) + 1 === from.indexOf(l)) g.push(l);
      else groups.push([l]);
    }
    const srcGroups = [...groups].sort((g, h) => from.indexOf(g[0]!) - from.indexOf(h[0]!));
    if (srcGroups.length > MAX_PERMUTE_RANK) return null;
    const gsize = (g: number[]) => g.reduce((n, l) => n * this.size(l), 1);
    const wrapped = this.engine.wrap(x.t.buffer, srcGroups.map(gsize), 'f32');
    let t: Tensor;
    try {
      t = await permute(wrapped, groups.map((g) => srcGroups.indexOf(g)), OP);
    } finally {
      wrapped.dispose();
    }
    const ts = contiguousStrides(to.map((l) => this.size(l)));
    const strides = new Map([...x.strides.keys()].map((l) => [l, 0]));
    to.forEach((l, i) => strides.set(l, ts[i]!));
    return { t, off: 0, strides, owned: true };
  }

  /**
   * GEMM for a step whose contracted indices do not form one stride in A and B (e.g.
   * 'abcd,dcbe->ae'): copy one operand (the smaller that makes the group one stride in both;
   * both if neither does) into a contiguous layout [batch, free, contracted] or [batch,
   * contracted, free], then run the strided GEMM. Only for products large enough that this
   * beats the direct kernel (thresholds above); false leaves the step to the direct kernel.
   */
  async permutedGemm(a: View, b: View, keep: number[], red: number[], target: Target, batch: number[], fl: number[], fr: number[], work: number): Promise<boolean> {
    if (work < PERMUTE_GEMM_MIN_WORK) return false;
    const numelOf = (x: View) => [...x.strides.keys()].reduce((n, l) => n * this.size(l), 1);
    const byTarget = (ls: number[]) => [...ls].sort((p, q) => target.strides.get(q)! - target.strides.get(p)!);
    const kA = this.byStride(red, a);
    const kB = this.byStride(red, b);
    // Candidate moves: B into A's contracted order, A into B's, or both into A's order.
    const options: { moveA: boolean; moveB: boolean; ks: number[]; cost: number }[] = [];
    if (this.merges(kA, a)) options.push({ moveA: false, moveB: true, ks: kA, cost: numelOf(b) });
    if (this.merges(kB, b)) options.push({ moveA: true, moveB: false, ks: kB, cost: numelOf(a) });
    options.push({ moveA: true, moveB: true, ks: kA, cost: numelOf(a) + numelOf(b) });
    options.sort((x, y) => x.cost - y.cost);
    for (const o of options) {
      if (work < PERMUTE_GEMM_WORK_PER_ELEMENT * o.cost) return false;
      // relayout gives null (having launched nothing) for an operand it cannot move; try the next option.
      const bt = byTarget(batch);
      const na = o.moveA ? await this.relayout(a, [...bt, ...byTarget(fl), ...o.ks]) : a;
      if (!na) continue;
      let nb: View | null = null;
      try {
        nb = o.moveB ? await this.relayout(b, [...bt, ...o.ks, ...byTarget(fr)]) : b;
        if (!nb) continue;
        const done = await this.tryGemm(na, nb, keep, red, target, false);
        if (done) einsumStats.permutedGemmSteps++;
        return done;
      } finally {
        if (na !== a) na.t.dispose();
        if (nb && nb !== b) nb.t.dispose();
      }
    }
    return false;
  }

  async tryGemm(a: View, b: View, keep: number[], red: number[], target: Target, permuteOk = true): Promise<boolean> {
    // GEMM writes (no accumulate); indices summed out of one operand only cannot be its k.
    if (target.beta !== 0) return false;
    if (red.some((l) => !a.strides.has(l) || !b.strides.has(l))) return false;
    const batch = keep.filter((l) => a.strides.has(l) && b.strides.has(l));
    const fl = keep.filter((l) => a.strides.has(l) && !b.strides.has(l));
    const fr = keep.filter((l) => b.strides.has(l) && !a.strides.has(l));
    const prod = (ls: number[]) => ls.reduce((n, l) => n * this.size(l), 1);
    const m0 = prod(fl), n0 = prod(fr), k0 = prod(red);
    // Tiny or degenerate products run faster as one direct pass (GEMM register blocks mostly empty).
    if (!gemmShapeOk(m0, n0) || m0 * n0 * k0 < 4096) return false;
    // Contracted group: one stride in each of A and B, in the same order.
    const ks = this.byStride(red, a);
    if (!this.merges(ks, a) || !this.merges(ks, b)) {
      return permuteOk && (await this.permutedGemm(a, b, keep, red, target, batch, fl, fr, m0 * n0 * k0 * prod(batch)));
    }
    const rows = this.splitRuns(fl, a, target);
    const cols = this.splitRuns(fr, b, target);
    const last = (ls: number[], s: Map<number, number>) => (ls.length ? s.get(ls[ls.length - 1]!)! : 0);
    const bdims = coalesce(
      [...batch, ...rows.rest, ...cols.rest].map((l) => ({ size: this.size(l), s: [a.strides.get(l) ?? 0, b.strides.get(l) ?? 0, target.strides.get(l)!] })),
    );
    if (bdims.length > MAX_RANK) return false;
    const m = prod(rows.main), n = prod(cols.main);
    if (!gemmShapeOk(m, n)) return false;
    einsumStats.gemmSteps++;
    const lay = (k: number, off: number, rs: number, cs: number) => ({ offset: off, rowStride: rs, colStride: cs, batchStrides: bdims.map((d) => d.s[k]!) });
    const launch = await gemmStrided(this.engine, {
      op: OP,
      a: a.t, b: b.t, out: target.t,
      m, n, k: k0,
      batchShape: bdims.map((d) => d.size),
      aLayout: lay(0, a.off, last(rows.main, a.strides), last(ks, a.strides)),
      bLayout: lay(1, b.off, last(ks, b.strides), last(cols.main, b.strides)),
      outLayout: lay(2, target.off, last(rows.main, target.strides), last(cols.main, target.strides)),
    });
    if (launch.swapped) einsumStats.swappedGemmSteps++;
    return true;
  }
}

/**
 * The cached plan einsum would run for these operand shapes: the path, the sliced indices
 * (their names) and the number of slices. Plans (and caches) like einsum itself.
 */
export function einsumPlan(engine: Engine, equation: string, shapes: readonly (readonly number[])[], options: EinsumOptions = {}): { info: PathInfo; sliced: string[]; nSlices: number } {
  const plan = getPlan(engine, equation, shapes.map((x) => [...x]), options);
  return { info: plan.info, sliced: plan.sliced.map((l) => plan.parsed.names[l]!), nSlices: plan.nSlices };
}

/** Initial view of operand i: contiguous strides, repeated labels added (diagonals), broadcast dims dropped. */
function operandView(t: Tensor, dims: number[]): View {
  const cs = contiguousStrides(t.shape);
  const strides = new Map<number, number>();
  dims.forEach((l, k) => {
    if (l >= 0) strides.set(l, (strides.get(l) ?? 0) + cs[k]!);
  });
  return { t, off: 0, strides, owned: false };
}

function fixLabels(v: View, fixed: Map<number, number>): View {
  let off = v.off;
  const strides = new Map<number, number>();
  for (const [l, s] of v.strides) {
    const f = fixed.get(l);
    if (f === undefined) strides.set(l, s);
    else off += f * s;
  }
  return { ...v, off, strides };
}

/**
 * Einstein summation, numpy notation: 'ij,jk->ik', implicit outputs ('ij,jk'), repeated indices
 * ('ii->i' diagonal, 'ii' trace), '...' broadcasting, any number of operands. f32 only.
 * Returns a new tensor. Error: (sum over steps of the contraction length + steps + slices)
 * * 2^-24 * einsum(|operands|) per element, to first order.
 */
export async function einsum(equation: string, ...args: (Tensor | EinsumOptions)[]): Promise<Tensor> {
  let options: EinsumOptions = {};
  const last = args[args.length - 1];
  if (last !== undefined && !(last instanceof Tensor)) {
    options = last;
    args = args.slice(0, -1);
  }
  const operands = args as Tensor[];
  if (operands.length === 0) throw new ValueError(OP, `no operands given for '${equation}'`);
  for (const [i, t] of operands.entries()) if (!(t instanceof Tensor)) throw new ValueError(OP, `operand ${i} is not a Tensor`);
  const engine = engineOf(OP, ...operands);
  for (const t of operands) requireDType(OP, t, ['f32']);
  const plan = getPlan(engine, equation, operands.map((t) => [...t.shape]), options);
  const { parsed, info, sliced } = plan;
  const out = engine.empty(plan.outShape, 'f32', OP);
  if (out.size === 0) return out;
  const runner = new Runner(engine, parsed.sizes, options.gemm ?? true);
  const outStrides = contiguousStrides(plan.outShape);
  const outLabelStride = new Map(parsed.output.map((l, i) => [l, outStrides[i]!]));
  const outSet = new Set(parsed.output);
  const summedSliced = sliced.filter((l) => !outSet.has(l));
  try {
    const views0 = operands.map((t, i) => operandView(t, parsed.dims[i]!));
    for (let s = 0; s < plan.nSlices; s++) {
      // Values of the sliced indices for slice s (row-major over their sizes).
      const fixed = new Map<number, number>();
      let rem = s;
      for (let j = sliced.length - 1; j >= 0; j--) {
        const l = sliced[j]!;
        fixed.set(l, rem % parsed.sizes[l]!);
        rem = Math.floor(rem / parsed.sizes[l]!);
      }
      const first = summedSliced.every((l) => fixed.get(l) === 0);
      let off = 0;
      const tStrides = new Map<number, number>();
      for (const [l, st] of outLabelStride) {
        if (fixed.has(l)) off += fixed.get(l)! * st;
        else tStrides.set(l, st);
      }
      const target: Target = { t: out, off, strides: tStrides, beta: first ? 0 : 1 };
      await runPath(runner, info, views0.map((v) => fixLabels(v, fixed)), fixed, target);
    }
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

async function runPath(runner: Runner, info: PathInfo, views: View[], fixed: Map<number, number>, target: Target): Promise<void> {
  const cur = [...views];
  try {
    for (const [si, step] of info.steps.entries()) {
      const isLast = si === info.steps.length - 1;
      const pos = step.positions;
      const picked = pos.map((i) => cur[i]!);
      for (const i of [...pos].sort((x, y) => y - x)) cur.splice(i, 1);
      const keep = step.result.filter((l) => !fixed.has(l));
      let res: View;
      if (isLast && target.beta !== 0 && picked.length === 2 && runner.useGemm) {
        // GEMM has no accumulate: run into a temporary, then add it to the output slice.
        const tmp = await runner.step(picked[0]!, picked[1]!, keep, null);
        try {
          res = await runner.step(tmp, null, keep, target);
        } finally {
          tmp.t.dispose();
        }
      } else {
        res = await runner.step(picked[0]!, picked[1] ?? null, keep, isLast ? target : null);
      }
      for (const v of picked) if (v.owned) v.t.dispose();
      cur.push(res);
    }
  } finally {
    for (const v of cur) if (v.owned) v.t.dispose();
  }
}

export { einsumPath, parseEinsum, planNetwork, plannerStats } from './einsum-path.js';
export type { PathInfo, PathStep, PathStrategy, ContractionPath, PathOptions } from './einsum-path.js';
