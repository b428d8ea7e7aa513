// Truncated SVD of small matrices for tensor trains: one-sided Jacobi on the GPU
// (shaders/tn/jacobi_svd.wgsl), then the kept singular vectors gathered in descending order
// (shaders/tn/gather_cols.wgsl). The rank is chosen on the host from the singular values (the
// only readback: cols numbers), which the TT algorithms need there anyway.
//
// Jacobi runs on whichever of A or A^T has fewer columns: c = min(m, n) columns of length
// L = max(m, n). Accuracy (Demmel & Veselic 1992, first order): the computed factors satisfy
// |A - U S V^T|_F <= (6 R + L) u |A|_F with R the number of rotations applied to a column
// (<= sweeps * c), u = 2^-24, and U, V orthonormal to about tol = max(L * 2^-23, 2^-20).
import { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { LimitError, ShapeError } from '../../runtime/errors.js';
import { WG_1D } from '../ops/common.js';

const OP = 'svd';
// One workgroup of 64 lanes: the tournament has ceil(c/2) independent rotations per round,
// and TT unfoldings rarely have c above 128.
const JACOBI_WG = 64;
export const JACOBI_MAX_SWEEPS = 40;

const jacobiSpec: KernelSpec = {
  name: 'jacobi_svd',
  shader: 'tn/jacobi_svd.wgsl',
  defines: { WG: JACOBI_WG },
  bindings: ['read', 'read_write', 'read_write', 'read_write'],
  uniforms: [
    { name: 'rows', type: 'u32' },
    { name: 'cols', type: 'u32' },
    { name: 'src_off', type: 'u32' },
    { name: 'src_rs', type: 'u32' },
    { name: 'src_cs', type: 'u32' },
    { name: 'max_sweeps', type: 'u32' },
    { name: 'tol', type: 'f32' },
    { name: '_pad0', type: 'u32' },
  ],
};

const gatherSpec: KernelSpec = {
  name: 'gather_cols',
  shader: 'tn/gather_cols.wgsl',
  defines: { WG: WG_1D },
  bindings: ['read', 'read', 'read', 'read_write'],
  uniforms: ['rows', 'ncols', 'src_ld', 'o_rs', 'o_cs', '_pad0', '_pad1', '_pad2'].map((name) => ({ name, type: 'u32' as const })),
};

export interface SvdResult {
  /** m x r, row-major; times diag(sigma) when absorb = 'left'. */
  u: Tensor;
  /** r x n, row-major; times diag(sigma) (rows scaled) when absorb = 'right'. */
  vt: Tensor;
  /** All min(m, n) singular values, descending (float32 values widened). */
  sigma: number[];
  rank: number;
  /** Sum of the squares of the discarded singular values. */
  discarded: number;
  /** Jacobi sweeps run (the last one made no rotation unless the cap was hit). */
  sweeps: number;
  /** Relative rounding bound: |A - U S V^T|_F <= (discarded^(1/2) + roundingBound |A|_F). */
  roundingBound: number;
}

export interface SvdOptions {
  /** Chooses the rank from the descending singular values (default: all of them). */
  rank?: (sigma: number[]) => number;
  /** Which factor takes the singular values: 'right' gives U and S V^T, 'left' gives U S and V^T. */
  absorb: 'left' | 'right';
}

/**
 * Truncated SVD of the m x n matrix whose element (i, j) is a[off + i * rs + j * cs].
 * Returns new tensors u and vt (the caller disposes them).
 */
export async function svdTruncated(engine: Engine, a: Tensor, m: number, n: number, layout: { off: number; rs: number; cs: number }, options: SvdOptions): Promise<SvdResult> {
  if (m < 1 || n < 1) throw new ShapeError(OP, `matrix ${m}x${n} must be non-empty`);
  const transposed = n > m; // Jacobi on A^T: its columns are A's rows
  const L = transposed ? n : m;
  const c = transposed ? m : n;
  if (c > 4096) throw new LimitError(OP, `${m}x${n}: the one-workgroup Jacobi SVD handles at most 4096 columns (min(m, n) = ${c})`);
  const w = engine.empty([L * c], 'f32', OP);
  const v = engine.empty([c * c], 'f32', OP);
  const sig = engine.empty([c + 1], 'f32', OP);
  try {
    await engine.launch({
      op: OP,
      kernel: jacobiSpec,
      uniforms: {
        rows: L, cols: c, src_off: layout.off,
        src_rs: transposed ? layout.cs : layout.rs, src_cs: transposed ? layout.rs : layout.cs,
        max_sweeps: JACOBI_MAX_SWEEPS,
        // The computed dot product of two columns carries about L * u of their norms' product;
        // asking for less would never converge.
        tol: Math.max(L * 2 ** -23, 2 ** -20),
        _pad0: 0,
      },
      buffers: [a, w, v, sig],
      workgroups: [1, 1, 1],
      cost: { flops: 6 * L * c * c * 8, bytes: 4 * (L * c + c * c) * 8 },
    });
    const sRead = Array.from(await sig.read());
    const sweeps = sRead.pop()!;
    const s = sRead;
    const order = s.map((_, i) => i).sort((x, y) => s[y]! - s[x]! || x - y);
    const sigma = order.map((i) => s[i]!);
    let r = options.rank ? options.rank(sigma) : c;
    r = Math.max(1, Math.min(c, Math.floor(r)));
    let discarded = 0;
    for (let i = r; i < c; i++) discarded += sigma[i]! ** 2;
    const cols = engine.tensor(new Uint32Array(order.slice(0, r)), [r], 'u32');
    const inv = (x: number) => (x > 0 ? 1 / x : 0);
    // W = (A or A^T) V = U' S; V holds the right vectors of whichever matrix Jacobi saw.
    //   not transposed: U = W / s, V = V   |  transposed: U = V, V = W / s
    const sAt = (j: number) => sigma[j]!;
    const wScale = Float32Array.from({ length: r }, (_, j) => ((transposed ? options.absorb === 'right' : options.absorb === 'left') ? 1 : inv(sAt(j))));
    const vScale = Float32Array.from({ length: r }, (_, j) => ((transposed ? options.absorb === 'left' : options.absorb === 'right') ? sAt(j) : 1));
    const ws = engine.tensor(wScale, [r]);
    const vs = engine.tensor(vScale, [r]);
    const u = engine.empty([m, r], 'f32', OP);
    const vt = engine.empty([r, n], 'f32', OP);
    try {
      // W (L x c) -> U (m x r, columns) or V^T (r x n, rows); V (c x c) -> the other.
      const gather = async (srcT: Tensor, rows: number, out: Tensor, asRows: boolean, scale: Tensor) => {
        await engine.launch({
          op: OP,
          kernel: gatherSpec,
          uniforms: { rows, ncols: r, src_ld: c, o_rs: asRows ? 1 : r, o_cs: asRows ? rows : 1, _pad0: 0, _pad1: 0, _pad2: 0 },
          buffers: [srcT, cols, scale, out],
          workgroups: { linear: Math.ceil((rows * r) / WG_1D) },
          cost: { flops: rows * r, bytes: 8 * rows * r },
        });
      };
      if (!transposed) {
        await gather(w, m, u, false, ws);
        await gather(v, n, vt, true, vs);
      } else {
        await gather(v, m, u, false, vs);
        await gather(w, n, vt, true, ws);
      }
    } catch (e) {
      u.dispose();
      vt.dispose();
      throw e;
    } finally {
      cols.dispose();
      ws.dispose();
      vs.dispose();
    }
    // First-order bound on |A - U S V^T|_F / |A|_F from rounding (file comment): each column
    // takes at most sweeps * (c - 1) rotations of ~6 roundings, dot products of length L.
    const roundingBound = (6 * sweeps * Math.max(1, c - 1) + L) * 2 ** -24;
    return { u, vt, sigma, rank: r, discarded, sweeps, roundingBound };
  } finally {
    w.dispose();
    v.dispose();
    sig.dispose();
  }
}
