// Dense symmetric eigensolver: eigenvalues ascending and (optionally) orthonormal eigenvectors
// of a [n, n] or batched [b, n, n] float32 symmetric matrix.
//
// Methods
// - 'jacobi': parallel cyclic Jacobi (shaders/linalg/jacobi_step.wgsl). Round-robin ordering
//   runs n/2 disjoint rotations per dispatch; one dispatch per step, n - 1 (n even) steps per
//   sweep; every matrix of a batch advances in the same dispatch. A rotation is skipped when
//   |a_pq| <= u sqrt(|a_pp a_qq|) (u = 2^-24), which preserves the high relative accuracy of
//   small eigenvalues of well-scaled positive (semi)definite matrices. The GPU counts the
//   rotations of each sweep; the count is read back once per sweep, overlapped with the next
//   sweep, and iteration stops after a sweep with no rotation (or maxSweeps).
// - 'tridiagonal': Householder tridiagonalisation on the GPU (house_vec/symv/w/syr2, four
//   dispatches per column), then bisection with Sturm counts, one invocation per eigenvalue
//   (sturm_bisect.wgsl). Vectors: inverse iteration on T, one invocation per cluster of close
//   eigenvalues (gap <= 1e-3 ||T||) with Gram-Schmidt inside the cluster
//   (tri_inverse_iter.wgsl), then back-transformation by the stored reflectors
//   (house_apply_dot/update, two dispatches per reflector).
// - 'auto' (default): Jacobi for n <= 32, tridiagonal above. Measured on lavapipe (Mesa 25,
//   2 cores, best of 3, ms, values / values+vectors): n = 32: Jacobi 62 / 57, tridiagonal
//   22 / 45; n = 64: 139 / 193 vs 53 / 65; n = 128: 453 / 601 vs 94 / 106; n = 256: ~2300 /
//   3600 vs ~370 / 230-600; batch 16 x 64: 398 / 931 vs 113 / 158. Tridiagonal is faster at
//   every size there; small n keeps Jacobi because its cost is negligible and it gives small
//   eigenvalues of graded positive definite matrices high relative accuracy: ask for
//   method 'jacobi' to get that at any n. n = 1 always uses Jacobi.
//
// Accuracy (u = 2^-24): Jacobi is backward stable: ||A V - V diag(w)|| <= c1 n u ||A|| and
// ||V^T V - I|| <= c2 n u, with c ~ the sweeps' rotation count per entry (test/linalg/eigh.test.ts
// derives the constants it checks). Eigenvalues have absolute error <= c n u ||A||_2 and, for
// positive definite matrices with a well-conditioned diagonal scaling, relative error O(n u).
// Tridiagonal: backward error of the Householder steps <= n (n/4 + 8) u ||A||_F (worst case;
// observed ~u ||A||); bisection adds a few ulps of ||T||; inverse-iteration vectors are
// orthogonal to ~u ||T|| / gap across clusters and to ~n u inside one (Gram-Schmidt).
// Measured n = 257 random: ||AV - VL||_F / ||A||_F = 7.6e-7, max |V^T V - I| = 5.2e-6.
//
// Input: must be symmetric; the solvers use (A + A^T) / 2. Asymmetry above 2^-10 max|a_ij|
// (far above rounding-level asymmetry of computed symmetric matrices) is a ValueError, as are
// NaN and infinite entries (checked on the GPU before iterating, so bad input cannot hang).
import type { Tensor } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { ValueError, fmtShape } from '../../runtime/errors.js';
import { engineOf } from './common.js';
import { WG_LA, matStats, rejectNonFinite, squareBatch } from './linalg-common.js';

export type EighMethod = 'jacobi' | 'tridiagonal' | 'auto';

export interface EighOptions {
  /** Also return eigenvectors (default false). */
  vectors?: boolean;
  method?: EighMethod;
  /** Jacobi sweep limit (default 40; float32 converges in about 6-12). */
  maxSweeps?: number;
}

export interface EighResult {
  /** [..., n], ascending. */
  values: Tensor;
  /** [..., n, n]; column j is the unit eigenvector of values[j]. */
  vectors?: Tensor;
  /** Jacobi sweeps run (0 for the tridiagonal method). */
  sweeps: number;
  method: 'jacobi' | 'tridiagonal';
}

/** Size above which 'auto' picks tridiagonalisation + bisection for values-only calls. */
export const EIGH_AUTO_TRIDIAGONAL_N = 32;

const U = 2 ** -24;
const OP = 'eigh';

const spec = (name: string, bindings: KernelSpec['bindings'], uniforms: string[], types: Record<string, 'u32' | 'f32'> = {}): KernelSpec => ({
  name,
  shader: `linalg/${name}.wgsl`,
  defines: { WG: WG_LA },
  bindings,
  uniforms: uniforms.map((u) => ({ name: u, type: types[u] ?? 'u32' })),
});

const symInit = spec('sym_init', ['read', 'read_write', 'read_write'], ['n', 'total', 'with_v']);
const jacobiRot = spec('jacobi_rot', ['read', 'read_write', 'read_write'], ['n', 'm', 'kp', 'step', 'total', 'slot', 'tol'], { tol: 'f32' });
const jacobiStep = spec('jacobi_step', ['read_write', 'read', 'read_write'], ['n', 'm', 'kp', 'step', 'nblocks', 'nvec']);
const eigRank = spec('eig_rank', ['read', 'read_write', 'read_write'], ['n', 'total']);
const eigPermute = spec('eig_permute', ['read', 'read', 'read_write'], ['n', 'total']);
const houseVec = spec('house_vec', ['read', 'read_write', 'read_write', 'read_write', 'read_write'], ['n', 'k']);
const houseSymv = spec('house_symv', ['read', 'read', 'read', 'read_write'], ['n', 'k', 'rows', 'total']);
const houseW = spec('house_w', ['read', 'read', 'read', 'read_write'], ['n', 'k']);
const houseSyr2 = spec('house_syr2', ['read_write', 'read', 'read'], ['n', 'k', 'rows', 'cblocks', 'total']);
const sturmBisect = spec('sturm_bisect', ['read', 'read', 'read_write'], ['n', 'total']);
const triInverseIter = spec('tri_inverse_iter', ['read', 'read', 'read', 'read_write', 'read_write'], ['n', 'total']);
const houseApplyDot = spec('house_apply_dot', ['read', 'read', 'read', 'read_write'], ['n', 'k', 'total']);
const houseApplyUpdate = spec('house_apply_update', ['read', 'read', 'read_write'], ['n', 'k', 'rows', 'cblocks', 'total']);

/** Eigen-decomposition of symmetric matrices; see the file comment for methods and accuracy. */
export async function eigh(a: Tensor, options: EighOptions = {}): Promise<EighResult> {
  const engine = engineOf(OP, a);
  const { batch, n } = squareBatch(OP, a);
  const wantV = options.vectors ?? false;
  const maxSweeps = options.maxSweeps ?? 40;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) throw new ValueError(OP, `maxSweeps must be a positive integer, got ${maxSweeps}`);
  const method = options.method ?? 'auto';
  if (method !== 'auto' && method !== 'jacobi' && method !== 'tridiagonal') {
    throw new ValueError(OP, `unknown method '${String(method)}', expected 'jacobi', 'tridiagonal' or 'auto'`);
  }
  const lead = a.shape.slice(0, -1);
  if (batch * n === 0) {
    return { values: engine.empty(lead, 'f32', OP), vectors: wantV ? engine.empty(a.shape, 'f32', OP) : undefined, sweeps: 0, method: 'jacobi' };
  }
  const stats = await matStats(engine, OP, a, batch, n);
  rejectNonFinite(OP, a, stats);
  for (let b = 0; b < batch; b++) {
    if (stats.asym[b]! > 2 ** -10 * stats.maxAbs[b]!) {
      throw new ValueError(OP, `input ${fmtShape(a.shape)} is not symmetric: max |a_ij - a_ji| = ${stats.asym[b]} with max |a_ij| = ${stats.maxAbs[b]}${batch > 1 ? ` (matrix ${b})` : ''}`);
    }
  }
  const useTri = n >= 2 && (method === 'tridiagonal' || (method === 'auto' && n > EIGH_AUTO_TRIDIAGONAL_N));
  if (useTri) return tridiagonal(a, batch, n, lead, wantV);
  return jacobi(a, batch, n, lead, wantV, maxSweeps);
}

async function jacobi(a: Tensor, batch: number, n: number, lead: readonly number[], wantV: boolean, maxSweeps: number): Promise<EighResult> {
  const engine = a.engine;
  const total = batch * n * n;
  const m = n + (n & 1);
  const kp = m / 2;
  const w = engine.empty([batch, n, n], 'f32', OP);
  const v = engine.empty(wantV ? [batch, n, n] : [1], 'f32', OP);
  const rot = engine.empty([batch, kp, 4], 'f32', OP);
  const counts = engine.tensor(new Uint32Array(maxSweeps), [maxSweeps], 'u32');
  let sweeps = 0;
  try {
    await engine.launch({
      op: OP, kernel: symInit, uniforms: { n, total, with_v: wantV ? 1 : 0 }, buffers: [a, w, v],
      workgroups: { linear: Math.ceil(total / WG_LA) }, cost: { flops: 2 * total, bytes: (wantV ? 16 : 12) * total },
    });
    const nblocks = (batch * kp * (kp + 1)) / 2;
    const nvec = wantV ? batch * kp * Math.ceil(n / 4) : 0;
    // per step: 24 flops per 2x2 block of A, 6 per vector pair
    const stepCost = { flops: nblocks * 24 + batch * n * kp * 6, bytes: 8 * total + (wantV ? 8 * total : 0) };
    let pending: Promise<ArrayBuffer> | null = null;
    let converged = false;
    for (let s = 0; s < maxSweeps && !converged; s++) {
      for (let k = 0; k < m - 1; k++) {
        await engine.launch({
          op: OP, kernel: jacobiRot, uniforms: { n, m, kp, step: k, total: batch * kp, slot: s, tol: U },
          buffers: [w, rot, counts],
          workgroups: { linear: Math.ceil((batch * kp) / WG_LA) }, cost: { flops: 20 * batch * kp, bytes: 28 * batch * kp },
        });
        await engine.launch({
          op: OP, kernel: jacobiStep, uniforms: { n, m, kp, step: k, nblocks, nvec },
          buffers: [w, rot, v],
          workgroups: { linear: Math.ceil((nblocks + nvec) / WG_LA) }, cost: stepCost,
        });
      }
      sweeps = s + 1;
      // The previous sweep's rotation count arrives while this sweep runs; a sweep after one
      // with no rotation is a no-op, so stopping one sweep late costs time, not accuracy.
      if (pending) {
        if (new Uint32Array(await pending)[0] === 0) converged = true;
      }
      pending = engine.scheduler.read(OP, counts.buffer, 4 * s, 4);
    }
    if (!converged && pending) await pending;
    const values = engine.empty(lead, 'f32', OP);
    const perm = engine.empty([batch, n], 'u32', OP);
    try {
      await engine.launch({
        op: OP, kernel: eigRank, uniforms: { n, total: batch * n }, buffers: [w, values, perm],
        workgroups: { linear: Math.ceil((batch * n) / WG_LA) }, cost: { flops: batch * n * n, bytes: 4 * batch * n * n },
      });
      let vectors: Tensor | undefined;
      if (wantV) {
        vectors = engine.empty([...lead, n], 'f32', OP);
        await engine.launch({
          op: OP, kernel: eigPermute, uniforms: { n, total }, buffers: [v, perm, vectors],
          workgroups: { linear: Math.ceil(total / WG_LA) }, cost: { flops: 0, bytes: 12 * total },
        });
      }
      return { values, vectors, sweeps, method: 'jacobi' };
    } finally {
      perm.dispose();
    }
  } finally {
    w.dispose();
    rot.dispose();
    v.dispose();
    counts.dispose();
  }
}

async function tridiagonal(a: Tensor, batch: number, n: number, lead: readonly number[], wantV: boolean): Promise<EighResult> {
  const engine = a.engine;
  const total = batch * n * n;
  const w0 = engine.empty([batch, n, n], 'f32', OP);
  const vs = engine.empty([batch, n, n], 'f32', OP);
  const tau = engine.empty([batch, n], 'f32', OP);
  const d = engine.empty([batch, n], 'f32', OP);
  const e = engine.empty([batch, n], 'f32', OP);
  const q = engine.empty([batch, n], 'f32', OP);
  const w = engine.empty([batch, n], 'f32', OP);
  const dummy = engine.empty([1], 'f32', OP);
  try {
    await engine.launch({
      op: OP, kernel: symInit, uniforms: { n, total, with_v: 0 }, buffers: [a, w0, dummy],
      workgroups: { linear: Math.ceil(total / WG_LA) }, cost: { flops: 2 * total, bytes: 12 * total },
    });
    for (let k = 0; k <= n - 2; k++) {
      const rows = n - k - 1;
      await engine.launch({
        op: OP, kernel: houseVec, uniforms: { n, k }, buffers: [w0, vs, tau, d, e],
        workgroups: [batch, 1, 1], cost: { flops: 4 * batch * rows, bytes: 8 * batch * rows },
      });
      if (k === n - 2) break;
      await engine.launch({
        op: OP, kernel: houseSymv, uniforms: { n, k, rows, total: batch * rows }, buffers: [w0, vs, tau, q],
        workgroups: { linear: Math.ceil((batch * rows) / WG_LA) }, cost: { flops: 2 * batch * rows * rows, bytes: 4 * batch * rows * rows },
      });
      await engine.launch({
        op: OP, kernel: houseW, uniforms: { n, k }, buffers: [vs, tau, q, w],
        workgroups: [batch, 1, 1], cost: { flops: 4 * batch * rows, bytes: 12 * batch * rows },
      });
      const cblocks = Math.ceil(rows / 4);
      await engine.launch({
        op: OP, kernel: houseSyr2, uniforms: { n, k, rows, cblocks, total: batch * rows * cblocks }, buffers: [w0, vs, w],
        workgroups: { linear: Math.ceil((batch * rows * cblocks) / WG_LA) }, cost: { flops: 2 * batch * rows * rows, bytes: 4 * batch * rows * rows },
      });
    }
    const values = engine.empty(lead, 'f32', OP);
    await engine.launch({
      op: OP, kernel: sturmBisect, uniforms: { n, total: batch * n }, buffers: [d, e, values],
      workgroups: { linear: Math.ceil((batch * n) / WG_LA) }, cost: { flops: 60 * 4 * batch * n * n, bytes: 8 * batch * n },
    });
    if (!wantV) return { values, sweeps: 0, method: 'tridiagonal' };
    const z = engine.empty([...lead, n], 'f32', OP);
    const scratch = engine.empty([batch * n, 6 * n], 'f32', OP);
    const y = engine.empty([batch, n], 'f32', OP);
    try {
      await engine.launch({
        op: OP, kernel: triInverseIter, uniforms: { n, total: batch * n }, buffers: [d, e, values, scratch, z],
        workgroups: { linear: Math.ceil((batch * n) / WG_LA) }, cost: { flops: 3 * 12 * batch * n * n, bytes: 3 * 40 * batch * n * n },
      });
      // Z <- H_0 H_1 ... H_{n-3} Z: apply the last reflector first.
      const cblocks = Math.ceil(n / 4);
      for (let k = n - 3; k >= 0; k--) {
        const rows = n - k - 1;
        await engine.launch({
          op: OP, kernel: houseApplyDot, uniforms: { n, k, total: batch * n }, buffers: [vs, tau, z, y],
          workgroups: { linear: Math.ceil((batch * n) / WG_LA) }, cost: { flops: 2 * batch * n * rows, bytes: 4 * batch * n * rows },
        });
        await engine.launch({
          op: OP, kernel: houseApplyUpdate, uniforms: { n, k, rows, cblocks, total: batch * rows * cblocks }, buffers: [vs, y, z],
          workgroups: { linear: Math.ceil((batch * rows * cblocks) / WG_LA) }, cost: { flops: 2 * batch * n * rows, bytes: 8 * batch * n * rows },
        });
      }
    } catch (err) {
      values.dispose();
      z.dispose();
      throw err;
    } finally {
      scratch.dispose();
      y.dispose();
    }
    return { values, vectors: z, sweeps: 0, method: 'tridiagonal' };
  } finally {
    for (const t of [w0, vs, tau, d, e, q, w, dummy]) t.dispose();
  }
}
