// Matrix exponential of dense general (not necessarily symmetric) f32 matrices, [n, n] or
// batched [b, n, n], by the optimised Taylor scheme of Bader, Blanes & Casas ("Computing the
// matrix exponential with an optimized Taylor polynomial approximation", Mathematics 7(12):1174,
// 2019) with scaling and squaring. Only matrix products (src/ops/matmul.ts) and fused linear
// combinations (shaders/linalg/lincomb.wgsl) run; no solves.
//
// Degree m in {1, 2, 4, 8, 12, 18} costs {0, 1, 2, 3, 4, 5} products. With ||X||_1 <= theta_m
// the truncated series has backward error <= u = 2^-24 (float32 thetas from the same paper's
// single-precision table: theta_18 = 3.0101). For ||A||_1 > theta_18, X = A / 2^s with
// s = ceil(log2(||A||_1 / theta_18)) and the result is squared s times. A batch shares one
// (m, s), chosen from the largest 1-norm in it; the 1-norms come from one GPU pass and one small
// readback per call (mat_check.wgsl), the only host round trip.
//
// expm(A, { taus }) returns exp(-tau A) for every tau as [ntau, ...A.shape]. Where tau_j =
// 2^k tau_i for an earlier tau_i and tau_j's own plan squares at least k times, exp(-tau_j A) is
// exp(-tau_i A) squared k times: that is the very computation the direct path would do
// (same X, same polynomial, same squarings), so octaves of a log grid share work at no cost
// in accuracy.
//
// Accuracy (see test/linalg/expm.test.ts for the bound the tests check): the polynomial stage
// is backward stable, error <= (truncation u ||X|| e^||X||) + n u (sum over products of the
// operands' majorant norms); each squaring F -> F^2 adds n u ||F||_1^2 and doubles the
// propagated error in proportion to ||F||_1. For normal matrices the relative error is about
// (products + squarings) n u ||A||_1; for non-normal ones the ||F||_1 of the intermediate
// squares (the hump) enters.
import { Tensor } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { ValueError } from '../../runtime/errors.js';
import { engineOf } from './common.js';
import { matmul } from './matmul.js';
import { matStats, rejectNonFinite, squareBatch } from './linalg-common.js';

const OP = 'expm';

export type TaylorDegree = 1 | 2 | 4 | 8 | 12 | 18;

/** Degrees and their float32 thetas (Bader, Blanes & Casas 2019, single precision). */
export const EXPM_DEGREES: readonly TaylorDegree[] = [1, 2, 4, 8, 12, 18];
export const EXPM_THETA_F32: Readonly<Record<TaylorDegree, number>> = {
  1: 1.192092800768788e-7,
  2: 5.978858893805233e-4,
  4: 5.116619363445086e-2,
  8: 5.800524627688768e-1,
  12: 1.461661507209034,
  18: 3.010066362817634,
};

/** One step of a Taylor evaluation program over named matrices; 'A' is the scaled input. */
export type TaylorStep =
  | { op: 'mul'; dst: string; a: string; b: string }
  | { op: 'comb'; dst: string; id: number; terms: readonly (readonly [number, string])[] };

const mul = (dst: string, a: string, b: string): TaylorStep => ({ op: 'mul', dst, a, b });
const comb = (dst: string, id: number, ...terms: [number, string][]): TaylorStep => ({ op: 'comb', dst, id, terms });

/**
 * The evaluation program of the degree-m approximant; the result is register 'E'.
 * Coefficients of degrees 8, 12, 18 are the published ones (Bader, Blanes & Casas 2019,
 * the forms minimising the coefficients' 1-norm); degree 8 in closed form with sqrt(177).
 */
export function taylorProgram(m: TaylorDegree): TaylorStep[] {
  switch (m) {
    case 1:
      return [comb('E', 1, [1, 'A'])];
    case 2:
      return [mul('A2', 'A', 'A'), comb('E', 1, [1, 'A'], [0.5, 'A2'])];
    case 4:
      return [
        mul('A2', 'A', 'A'),
        comb('B', 0.5, [1 / 6, 'A'], [1 / 24, 'A2']),
        mul('C', 'A2', 'B'),
        comb('E', 1, [1, 'A'], [1, 'C']),
      ];
    case 8: {
      const r = Math.sqrt(177);
      const x3 = 2 / 3;
      const a1 = ((1 + r) / 88) * x3;
      const a2 = ((1 + r) / 352) * x3;
      const u2 = (857 - 58 * r) / 630;
      const c0 = (-271 + 29 * r) / (315 * x3);
      const c1 = (11 * (-1 + r)) / (1260 * x3);
      const c2 = (11 * (-9 + r)) / (5040 * x3);
      const c4 = (89 - r) / (5040 * x3 * x3);
      return [
        mul('A2', 'A', 'A'),
        comb('P', 0, [a1, 'A'], [a2, 'A2']),
        mul('A4', 'A2', 'P'),
        comb('L', 0, [x3, 'A2'], [1, 'A4']),
        comb('R', c0, [c1, 'A'], [c2, 'A2'], [c4, 'A4']),
        mul('A8', 'L', 'R'),
        comb('E', 1, [1, 'A'], [u2, 'A2'], [1, 'A8']),
      ];
    }
    case 12: {
      const a = [
        [-0.0186023205146205532243437300433, -0.00500702322573317730979741843919, -0.573420122960522263905952420789, -0.133399693943892059700768926983],
        [4.6, 0.992875103538486836140479571505, -0.132445561052799638845074997454, 0.0017299],
        [0.211693118299809442949323323336, 0.158224384715726725371768893252, 0.165635169436727415011171668419, 0.0107862779315792425026320640108],
        [0, -0.131810610138301840156819349464, -0.0202785554058925907933568229945, -0.00675951846863086359778560766482],
      ];
      const q = (name: string, c: number[]) => comb(name, c[0]!, [c[1]!, 'A'], [c[2]!, 'A2'], [c[3]!, 'A3']);
      return [
        mul('A2', 'A', 'A'),
        mul('A3', 'A', 'A2'),
        q('Q1', a[0]!), q('Q2', a[1]!), q('Q3', a[2]!), q('Q4', a[3]!),
        mul('Q44', 'Q4', 'Q4'),
        comb('Q6', 0, [1, 'Q3'], [1, 'Q44']),
        comb('T', 0, [1, 'Q2'], [1, 'Q6']),
        mul('TQ6', 'T', 'Q6'),
        comb('E', 0, [1, 'Q1'], [1, 'TQ6']),
      ];
    }
    case 18: {
      const a = [0, -0.100365581030144620014614939405, -0.00802924648241156960116919515244, -0.000892138498045729955685466128049];
      const b = [
        [0, 0.39784974949964507614519612771028, 1.3678377846041171992252370687822, 0.49828962252538267755685881726227, -0.00063789819459472330924155005649193],
        [-10.967639605296206259351746267537, 1.6801581387890619718278540172481, 0.057177984647886551270287171322525, -0.0069821012248805208429046648380155, 0.000033497501708607053831336734066844],
        [-0.090431683239081056197146887701835, -0.067640451907138190756007990037971, 0.067596130177045964608279919507894, 0.029555257042931552742606918224223, -0.000013918025751606070112473997934374],
        [0, 0, -0.0923364619367118592764570775143, -0.0169364939002081717191385115723, -0.0000140086798182036159794363205726],
      ];
      const q = (name: string, c: number[]) => comb(name, c[0]!, [c[1]!, 'A'], [c[2]!, 'A2'], [c[3]!, 'A3'], [c[4]!, 'A6']);
      return [
        mul('A2', 'A', 'A'),
        mul('A3', 'A', 'A2'),
        mul('A6', 'A3', 'A3'),
        comb('Q31', a[0]!, [a[1]!, 'A'], [a[2]!, 'A2'], [a[3]!, 'A3']),
        q('Q61', b[0]!), q('Q62', b[1]!), q('Q63', b[2]!), q('Q64', b[3]!),
        mul('P', 'Q31', 'Q64'),
        comb('Q91', 0, [1, 'P'], [1, 'Q63']),
        comb('T', 0, [1, 'Q62'], [1, 'Q91']),
        mul('TQ', 'T', 'Q91'),
        comb('E', 0, [1, 'Q61'], [1, 'TQ']),
      ];
    }
  }
}

/** Degree and squarings for a matrix (or batch) of 1-norm `norm1`. */
export function expmPlan(norm1: number): { degree: TaylorDegree; s: number } {
  if (!Number.isFinite(norm1)) throw new ValueError(OP, `the scaled 1-norm ${norm1} is not finite`);
  for (const m of EXPM_DEGREES) if (norm1 <= EXPM_THETA_F32[m]) return { degree: m, s: 0 };
  return { degree: 18, s: Math.max(0, Math.ceil(Math.log2(norm1 / EXPM_THETA_F32[18]))) };
}

/** Runs a Taylor program in any algebra (GPU tensors here; numbers in the tests). */
export async function runTaylorProgram<T>(
  steps: readonly TaylorStep[],
  x: T,
  alg: { mul(a: T, b: T): Promise<T> | T; comb(id: number, terms: [number, T][]): Promise<T> | T },
): Promise<T> {
  const reg = new Map<string, T>([['A', x]]);
  const get = (k: string) => {
    const v = reg.get(k);
    if (v === undefined) throw new Error(`expm: internal: register ${k} unset`);
    return v;
  };
  for (const st of steps) {
    if (st.op === 'mul') reg.set(st.dst, await alg.mul(get(st.a), get(st.b)));
    else reg.set(st.dst, await alg.comb(st.id, st.terms.filter(([c]) => c !== 0).map(([c, k]) => [c, get(k)] as [number, T])));
  }
  return get('E');
}

const WG_LINCOMB = 64;
const lincombSpec = (vec4: boolean): KernelSpec => ({
  name: 'lincomb',
  shader: 'linalg/lincomb.wgsl',
  defines: { WG: WG_LINCOMB, VEC4: vec4 },
  bindings: ['read', 'read', 'read', 'read', 'read', 'read_write'],
  uniforms: [
    { name: 'n', type: 'u32' },
    { name: 'groups', type: 'u32' },
    { name: 'count', type: 'u32' },
    { name: 'c_id', type: 'f32' },
    { name: 'c', type: 'f32', length: 5 },
  ],
});

/** c_id I + sum c_k X_k over a batch of n x n matrices (at most 5 terms). */
async function lincomb(shape: readonly number[], n: number, id: number, terms: [number, Tensor][]): Promise<Tensor> {
  if (terms.length > 5) throw new Error(`${OP}: internal: ${terms.length} terms`);
  const engine = terms[0]![1].engine;
  const out = engine.empty(shape, 'f32', OP);
  const batch = out.size / (n * n);
  const xs = terms.map(([, t]) => t);
  while (xs.length < 5) xs.push(terms[0]![1]);
  // A vec4 must lie inside one row.
  const vec4 = n % 4 === 0;
  const groups = vec4 ? n / 4 : n;
  // Batches past the dispatch limit in z are refused by the scheduler (LimitError), as matmul's are.
  await engine.launch({
    op: OP,
    kernel: lincombSpec(vec4),
    uniforms: { n, groups, count: terms.length, c_id: id, c: terms.map(([c]) => c) },
    buffers: [...xs, out],
    workgroups: [Math.ceil(groups / WG_LINCOMB), n, batch],
    cost: { flops: 2 * terms.length * out.size, bytes: 4 * (terms.length + 1) * out.size },
  });
  return out;
}

export interface ExpmOptions {
  /** Return exp(-tau A) for each tau, stacked as [ntau, ...A.shape]. */
  taus?: readonly number[];
}

/**
 * exp(A), or exp(-tau A) for each tau in options.taus ([ntau, ...A.shape]). A is [n, n] or
 * [b, n, n] f32, any (non-symmetric too). NaN/Inf entries: ValueError; non-square: ShapeError.
 */
export async function expm(a: Tensor, options: ExpmOptions = {}): Promise<Tensor> {
  const engine = engineOf(OP, a);
  const { batch, n } = squareBatch(OP, a);
  const taus = options.taus;
  if (taus !== undefined) {
    if (!Array.isArray(taus) || taus.length === 0) throw new ValueError(OP, `taus must be a non-empty array of numbers`);
    const bad = taus.findIndex((t) => typeof t !== 'number' || !Number.isFinite(t));
    if (bad >= 0) throw new ValueError(OP, `taus[${bad}] = ${taus[bad]} is not a finite number`);
  }
  const outShape = taus ? [taus.length, ...a.shape] : [...a.shape];
  if (batch * n === 0) return engine.empty(outShape, 'f32', OP);
  const stats = await matStats(engine, OP, a, batch, n);
  rejectNonFinite(OP, a, stats);
  const norm = Math.max(...stats.norm1);
  const shape = a.shape;

  // exp(sigma A) with sigma's plan; returns a new tensor.
  const direct = (sigma: number, plan: { degree: TaylorDegree; s: number }) =>
    engine.scope(async () => {
      const x = await lincomb(shape, n, 0, [[sigma * 2 ** -plan.s, a]]);
      let f = await runTaylorProgram(taylorProgram(plan.degree), x, {
        mul: (p, q) => matmul(p, q),
        comb: (id, terms) => lincomb(shape, n, id, terms),
      });
      for (let k = 0; k < plan.s; k++) f = await matmul(f, f);
      return f;
    });
  const square = (f: Tensor, times: number) =>
    engine.scope(async () => {
      let g = f;
      for (let k = 0; k < times; k++) g = await matmul(g, g);
      return g === f ? lincomb(shape, n, 0, [[1, f]]) : g;
    });

  if (!taus) return direct(1, expmPlan(norm));

  const order = taus.map((_, i) => i).sort((i, j) => Math.abs(taus[i]!) - Math.abs(taus[j]!));
  const done: { tau: number; t: Tensor }[] = [];
  const results = new Array<Tensor>(taus.length);
  try {
    for (const i of order) {
      const tau = taus[i]!;
      const plan = expmPlan(Math.abs(tau) * norm);
      let reuse: { t: Tensor; k: number } | null = null;
      for (const d of done) {
        if (d.tau === 0 || Math.sign(d.tau) !== Math.sign(tau)) continue;
        const k = Math.round(Math.log2(tau / d.tau));
        if (k >= 1 && k <= plan.s && d.tau * 2 ** k === tau && (!reuse || k < reuse.k)) reuse = { t: d.t, k };
      }
      const t = reuse ? await square(reuse.t, reuse.k) : await direct(-tau, plan);
      results[i] = t;
      done.push({ tau, t });
    }
    const out = engine.empty(outShape, 'f32', OP);
    const bytes = a.size * 4;
    results.forEach((t, i) => engine.scheduler.copy(t.buffer, 0, out.buffer, i * bytes, bytes));
    return out;
  } finally {
    for (const d of done) d.t.dispose();
  }
}
