// Tensor trains (matrix product states): A[i1, ..., id] = G1[:, i1, :] G2[:, i2, :] ... Gd[:, id, :]
// with cores Gk of shape [r_{k-1}, n_k, r_k], r_0 = r_d = 1, kept on the GPU.
//
// TT-SVD (Oseledets 2011, Alg. 1): sweep left to right, truncating each unfolding's SVD so the
// discarded squared singular values sum to at most delta^2, delta = eps |A|_F / sqrt(d - 1);
// then |A - TT|_F <= eps |A|_F (plus float32 rounding, see svd.ts), unless maxRank cut more
// (the result's `error` then reports the estimate sqrt(sum of discarded weights)).
// Contractions (vectors, inner products, marginals, dense reconstruction) run through einsum,
// whose strided GEMM and direct kernels do the work; the SVDs through the one-sided Jacobi
// kernel in svd.ts.
import { Tensor, numel } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { einsum } from '../ops/einsum.js';
import { div, sqrt } from '../ops/elementwise.js';
import { requireDType } from '../ops/common.js';
import { svdTruncated } from './svd.js';

/** A zero-copy view of t with another shape (same elements, row-major); dispose the view before t. */
function view(t: Tensor, shape: number[]): Tensor {
  if (numel(shape) !== t.size) throw new ShapeError('tt', `cannot view ${fmtShape(t.shape)} as ${fmtShape(shape)}`);
  return t.engine.wrap(t.buffer, shape, 'f32');
}

export class TensorTrain {
  constructor(
    readonly engine: Engine,
    /** Cores [r_{k-1}, n_k, r_k]; the train owns them. */
    readonly cores: Tensor[],
  ) {
    if (cores.length === 0) throw new ShapeError('TensorTrain', 'needs at least one core');
    cores.forEach((c, k) => {
      if (c.rank !== 3) throw new ShapeError('TensorTrain', `core ${k} has shape ${fmtShape(c.shape)}, expected [r_prev, n, r_next]`);
      const prev = k === 0 ? 1 : cores[k - 1]!.shape[2];
      if (c.shape[0] !== prev) throw new ShapeError('TensorTrain', `core ${k} ${fmtShape(c.shape)} does not match the bond ${prev} of core ${k - 1}`);
    });
    if (cores[cores.length - 1]!.shape[2] !== 1) throw new ShapeError('TensorTrain', `the last core ${fmtShape(cores[cores.length - 1]!.shape)} must end in bond 1`);
  }

  get sites(): number {
    return this.cores.length;
  }

  /** Site dimensions n_k. */
  get dims(): number[] {
    return this.cores.map((c) => c.shape[1]!);
  }

  /** Bond dimensions r_0..r_d (r_0 = r_d = 1). */
  get ranks(): number[] {
    return [1, ...this.cores.map((c) => c.shape[2]!)];
  }

  /** Number of stored elements. */
  get parameters(): number {
    return this.cores.reduce((s, c) => s + c.size, 0);
  }

  dispose(): void {
    for (const c of this.cores) c.dispose();
  }
}

export interface TTSVDOptions {
  /** Relative accuracy: |A - TT|_F <= eps |A|_F (default 1e-6; 0 keeps every nonzero singular value). */
  eps?: number;
  /** Largest bond dimension. */
  maxRank?: number;
}

export interface TTTruncation {
  tt: TensorTrain;
  /** Sum of the squared singular values dropped (the squared Frobenius error of the truncation, to first order). */
  discardedWeight: number;
  /** sqrt(discardedWeight). */
  error: number;
  /** Relative float32 rounding bound of the SVDs, summed over the sweep (|A - TT|_F <= error + roundingBound |A|_F, first order). */
  roundingBound: number;
}

function checkEps(op: string, eps: number, maxRank: number | undefined) {
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new ValueError(op, `eps = ${eps} must be a finite number >= 0`);
  if (maxRank !== undefined && (!Number.isInteger(maxRank) || maxRank < 1)) throw new ValueError(op, `maxRank = ${maxRank} must be a positive integer`);
}

/** Smallest rank whose discarded tail has squared norm <= delta2, capped at maxRank. */
function rankRule(delta2: number, maxRank: number | undefined) {
  return (sigma: number[]) => {
    let tail = 0;
    let r = sigma.length;
    while (r > 1 && tail + sigma[r - 1]! ** 2 <= delta2) {
      tail += sigma[r - 1]! ** 2;
      r--;
    }
    return maxRank !== undefined ? Math.min(r, maxRank) : r;
  };
}

/**
 * TT-SVD of a dense tensor `x` viewed with shape `dims` (numel must match). Returns the train
 * and the discarded weight. |x - TT|_F <= eps |x|_F when maxRank does not bind.
 */
export async function ttSvd(x: Tensor, dims: number[] = [...x.shape], options: TTSVDOptions = {}): Promise<TTTruncation> {
  const op = 'ttSvd';
  requireDType(op, x, ['f32']);
  const eps = options.eps ?? 1e-6;
  checkEps(op, eps, options.maxRank);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 1) || numel(dims) !== x.size) {
    throw new ShapeError(op, `dims ${fmtShape(dims)} must be positive and hold the ${x.size} elements of ${fmtShape(x.shape)}`);
  }
  const engine = x.engine;
  const d = dims.length;
  const cores: Tensor[] = [];
  let c: Tensor = x; // current remainder, row-major [r_{k-1} * n_k, rest]
  let r = 1;
  let delta2 = -1;
  let discarded = 0;
  let rounding = 0;
  try {
    for (let k = 0; k < d - 1; k++) {
      const m = r * dims[k]!;
      const n = c.size / m;
      let rule = rankRule(delta2, options.maxRank);
      if (k === 0) {
        // |A|_F^2 is the sum of the first unfolding's squared singular values.
        rule = (sigma) => {
          const norm2 = sigma.reduce((s, v) => s + v * v, 0);
          delta2 = (eps * eps * norm2) / Math.max(1, d - 1);
          return rankRule(delta2, options.maxRank)(sigma);
        };
      }
      const res = await svdTruncated(engine, c, m, n, { off: 0, rs: n, cs: 1 }, { rank: rule, absorb: 'right' });
      discarded += res.discarded;
      rounding += res.roundingBound;
      try {
        cores.push(await reshaped(res.u, [r, dims[k]!, res.rank]));
      } finally {
        res.u.dispose();
      }
      if (c !== x) c.dispose();
      c = res.vt;
      r = res.rank;
    }
    const last = await reshaped(c, [r, dims[d - 1]!, 1]);
    if (c !== x) c.dispose();
    c = x;
    cores.push(last);
  } catch (e) {
    if (c !== x) c.dispose();
    cores.forEach((t) => t.dispose());
    throw e;
  }
  return { tt: new TensorTrain(engine, cores), discardedWeight: discarded, error: Math.sqrt(discarded), roundingBound: rounding };
}

/** A new owned tensor with t's elements and another shape (one copy kernel). */
async function reshaped(t: Tensor, shape: number[]): Promise<Tensor> {
  const v = view(t, shape);
  try {
    const sub = 'abcdefgh'.slice(0, shape.length);
    return await einsum(`${sub}->${sub}`, v);
  } finally {
    v.dispose();
  }
}

/** Dense tensor of shape dims (row-major). */
export async function ttToDense(tt: TensorTrain): Promise<Tensor> {
  // acc: [n_0 ... n_k, r_{k+1}] flattened to [prod n, r]
  let acc = await reshaped(tt.cores[0]!, [tt.dims[0]!, tt.ranks[1]!]);
  try {
    for (let k = 1; k < tt.sites; k++) {
      const next = await einsum('pa,aib->pib', acc, tt.cores[k]!);
      acc.dispose();
      acc = next;
      const flat = await reshaped(acc, [acc.shape[0]! * acc.shape[1]!, acc.shape[2]!]);
      acc.dispose();
      acc = flat;
    }
    return await reshaped(acc, tt.dims);
  } finally {
    acc.dispose();
  }
}

/** Contracts every site with a vector: sum_i A[i1..id] v1[i1] ... vd[id]. Returns a scalar tensor (shape []). */
export async function ttContractVectors(tt: TensorTrain, vectors: Tensor[]): Promise<Tensor> {
  const op = 'ttContractVectors';
  if (vectors.length !== tt.sites) throw new ShapeError(op, `${vectors.length} vectors for ${tt.sites} sites`);
  vectors.forEach((v, k) => {
    if (v.rank !== 1 || v.shape[0] !== tt.dims[k]) throw new ShapeError(op, `vector ${k} has shape ${fmtShape(v.shape)}; site ${k} has dimension ${tt.dims[k]}`);
  });
  let row = await einsum('aib,i->ab', tt.cores[0]!, vectors[0]!); // [1, r1]
  for (let k = 1; k < tt.sites; k++) {
    const next = await einsum('pa,aib,i->pb', row, tt.cores[k]!, vectors[k]!);
    row.dispose();
    row = next;
  }
  const s = await einsum('pb->', row);
  row.dispose();
  return s;
}

/** <a, b> = sum over all indices of a * b (same site dimensions). Scalar tensor. */
export async function ttInner(a: TensorTrain, b: TensorTrain): Promise<Tensor> {
  const op = 'ttInner';
  if (a.sites !== b.sites || a.dims.some((d, k) => d !== b.dims[k])) {
    throw new ShapeError(op, `site dimensions differ: ${fmtShape(a.dims)} vs ${fmtShape(b.dims)}`);
  }
  let e = await einsum('aib,cid->bd', a.cores[0]!, b.cores[0]!);
  for (let k = 1; k < a.sites; k++) {
    const next = await einsum('ac,aib,cid->bd', e, a.cores[k]!, b.cores[k]!);
    e.dispose();
    e = next;
  }
  const s = await einsum('ab->', e);
  e.dispose();
  return s;
}

/** Frobenius norm |A|_F as a scalar tensor. */
export async function ttNorm(tt: TensorTrain): Promise<Tensor> {
  const n2 = await ttInner(tt, tt);
  try {
    return await sqrt(n2);
  } finally {
    n2.dispose();
  }
}

/** Sum of all elements (a scalar tensor): contraction with all-ones vectors. */
export async function ttSum(tt: TensorTrain): Promise<Tensor> {
  const ones = tt.dims.map((d) => tt.engine.tensor(new Float32Array(d).fill(1), [d]));
  try {
    return await ttContractVectors(tt, ones);
  } finally {
    ones.forEach((o) => o.dispose());
  }
}

/**
 * Marginal over the sites in `keep` (ascending): every other site is summed out and its
 * bond matrix absorbed into a kept neighbour. Returns a new train over the kept sites.
 */
export async function ttMarginal(tt: TensorTrain, keep: number[]): Promise<TensorTrain> {
  const op = 'ttMarginal';
  const ks = [...keep];
  if (ks.length === 0 || ks.some((k, i) => !Number.isInteger(k) || k < 0 || k >= tt.sites || (i > 0 && k <= ks[i - 1]!))) {
    throw new ValueError(op, `keep ${JSON.stringify(keep)} must be ascending distinct sites in 0..${tt.sites - 1} (use ttSum for the total)`);
  }
  const cores: Tensor[] = [];
  let pending: Tensor | null = null; // product of summed-site matrices since the last kept site
  try {
    for (let k = 0; k < tt.sites; k++) {
      if (ks.includes(k)) {
        cores.push(pending ? await einsum('ab,bic->aic', pending, tt.cores[k]!) : await einsum('aib->aib', tt.cores[k]!));
        pending?.dispose();
        pending = null;
      } else {
        const m = await einsum('aib->ab', tt.cores[k]!);
        if (pending) {
          const p2 = await einsum('ab,bc->ac', pending, m);
          pending.dispose();
          m.dispose();
          pending = p2;
        } else if (cores.length > 0) {
          // absorb into the previous kept core right away
          const last = cores.pop()!;
          cores.push(await einsum('aib,bc->aic', last, m));
          last.dispose();
          m.dispose();
        } else pending = m;
      }
    }
  } catch (e) {
    cores.forEach((c) => c.dispose());
    pending?.dispose();
    throw e;
  }
  return new TensorTrain(tt.engine, cores);
}

/** A new train scaled to |A|_F = 1 ('l2') or to element sum 1 ('sum', for probability tables). */
export async function ttNormalize(tt: TensorTrain, kind: 'l2' | 'sum' = 'l2'): Promise<TensorTrain> {
  const s = kind === 'l2' ? await ttNorm(tt) : await ttSum(tt);
  try {
    const first = await div(tt.cores[0]!, s);
    const rest = await Promise.all(tt.cores.slice(1).map((c) => einsum('aib->aib', c)));
    return new TensorTrain(tt.engine, [first, ...rest]);
  } finally {
    s.dispose();
  }
}

async function cloneCores(tt: TensorTrain): Promise<Tensor[]> {
  const out: Tensor[] = [];
  for (const c of tt.cores) out.push(await einsum('aib->aib', c));
  return out;
}

/**
 * Left-canonical form: cores 0..d-2 become left-orthonormal (sum_{a,i} G[a,i,b] G[a,i,c] = delta_bc)
 * through SVDs swept left to right; the norm ends in the last core. Bonds shrink where the
 * unfolding is rank-deficient (exact zeros only).
 */
export async function ttLeftCanonical(tt: TensorTrain): Promise<TensorTrain> {
  const cores = await cloneCores(tt);
  try {
    for (let k = 0; k < cores.length - 1; k++) await leftStep(cores, k, 0, undefined);
  } catch (e) {
    cores.forEach((c) => c.dispose());
    throw e;
  }
  return new TensorTrain(tt.engine, cores);
}

/** Right-canonical form: cores 1..d-1 right-orthonormal (sum_{i,b} G[a,i,b] G[c,i,b] = delta_ac). */
export async function ttRightCanonical(tt: TensorTrain): Promise<TensorTrain> {
  const cores = await cloneCores(tt);
  try {
    for (let k = cores.length - 1; k > 0; k--) await rightStep(cores, k, 0, undefined);
  } catch (e) {
    cores.forEach((c) => c.dispose());
    throw e;
  }
  return new TensorTrain(tt.engine, cores);
}

/** Core k = U (left-orthonormal), S V^T moves into core k+1. Returns the discarded weight. */
async function leftStep(cores: Tensor[], k: number, delta2: number, maxRank: number | undefined): Promise<{ discarded: number; rounding: number }> {
  const c = cores[k]!;
  const [r0, n, r1] = c.shape as [number, number, number];
  const engine = c.engine;
  const res = await svdTruncated(engine, c, r0 * n, r1, { off: 0, rs: r1, cs: 1 }, { rank: rankRule(delta2, maxRank), absorb: 'right' });
  const core = await reshaped(res.u, [r0, n, res.rank]);
  res.u.dispose();
  const next = await einsum('ab,bic->aic', res.vt, cores[k + 1]!);
  res.vt.dispose();
  c.dispose();
  cores[k + 1]!.dispose();
  cores[k] = core;
  cores[k + 1] = next;
  return { discarded: res.discarded, rounding: res.roundingBound };
}

/** Core k = V^T (right-orthonormal), U S moves into core k-1. Returns the discarded weight. */
async function rightStep(cores: Tensor[], k: number, delta2: number, maxRank: number | undefined): Promise<{ discarded: number; rounding: number }> {
  const c = cores[k]!;
  const [r0, n, r1] = c.shape as [number, number, number];
  const engine = c.engine;
  const res = await svdTruncated(engine, c, r0, n * r1, { off: 0, rs: n * r1, cs: 1 }, { rank: rankRule(delta2, maxRank), absorb: 'left' });
  const core = await reshaped(res.vt, [res.rank, n, r1]);
  res.vt.dispose();
  const prev = await einsum('aib,bc->aic', cores[k - 1]!, res.u);
  res.u.dispose();
  c.dispose();
  cores[k - 1]!.dispose();
  cores[k] = core;
  cores[k - 1] = prev;
  return { discarded: res.discarded, rounding: res.roundingBound };
}

/**
 * TT rounding (Oseledets Alg. 2): left-orthogonalise, then truncate right to left with
 * delta = eps |A|_F / sqrt(d - 1) and at most maxRank. Returns the new train and the discarded
 * weight (squared Frobenius error, exact up to rounding because the left part is orthonormal).
 */
export async function ttRound(tt: TensorTrain, options: TTSVDOptions = {}): Promise<TTTruncation> {
  const op = 'ttRound';
  const eps = options.eps ?? 0;
  checkEps(op, eps, options.maxRank);
  const left = await ttLeftCanonical(tt);
  const cores = [...left.cores];
  let discarded = 0;
  let rounding = 0;
  try {
    const d = cores.length;
    let delta2 = 0;
    if (eps > 0 && d > 1) {
      const last = cores[d - 1]!;
      const n2 = await einsum('aib,aib->', last, last);
      delta2 = ((eps * eps) * (await n2.item())) / (d - 1);
      n2.dispose();
    }
    for (let k = d - 1; k > 0; k--) {
      const st = await rightStep(cores, k, delta2, options.maxRank);
      discarded += st.discarded;
      rounding += st.rounding;
    }
  } catch (e) {
    cores.forEach((c) => c.dispose());
    throw e;
  }
  return { tt: new TensorTrain(tt.engine, cores), discardedWeight: discarded, error: Math.sqrt(discarded), roundingBound: rounding };
}

/**
 * Merges sites k and k+1 into one site of dimension n_k n_{k+1} (index i_k * n_{k+1} + i_{k+1},
 * the row-major reshape of the dense tensor). With maxRank or eps the merged train is then
 * rounded back to that bond budget and the discarded weight reported.
 */
export async function ttMergeSites(tt: TensorTrain, k: number, options: TTSVDOptions = {}): Promise<TTTruncation> {
  const op = 'ttMergeSites';
  if (!Number.isInteger(k) || k < 0 || k + 1 >= tt.sites) throw new ValueError(op, `site ${k} has no right neighbour in a ${tt.sites}-site train`);
  const merged = await einsum('aib,bjc->aijc', tt.cores[k]!, tt.cores[k + 1]!);
  const [r0, n0, n1, r1] = merged.shape as [number, number, number, number];
  const core = await reshaped(merged, [r0, n0 * n1, r1]);
  merged.dispose();
  const others = await cloneCores(tt);
  const cores = [...others.slice(0, k), core, ...others.slice(k + 2)];
  others[k]!.dispose();
  others[k + 1]!.dispose();
  const result = new TensorTrain(tt.engine, cores);
  if (options.maxRank === undefined && !options.eps) return { tt: result, discardedWeight: 0, error: 0, roundingBound: 0 };
  try {
    return await ttRound(result, options);
  } finally {
    result.dispose();
  }
}
