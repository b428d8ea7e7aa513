// Shared pieces of the dense linear-algebra ops (eigh, expm): operand checks and the GPU-side
// input statistics (shaders/linalg/mat_check.wgsl) read back in one small transfer.
import type { Tensor } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { requireDType } from './common.js';

/** Workgroup size of the linalg kernels: 256 matches WG_1D (fastest of 64/128/256 on lavapipe for 1-D kernels). */
export const WG_LA = 256;

/** Validates a square [n, n] or batched [b, n, n] f32 operand; returns (batch, n). */
export function squareBatch(op: string, a: Tensor): { batch: number; n: number } {
  requireDType(op, a, ['f32']);
  const s = a.shape;
  if (s.length !== 2 && s.length !== 3) {
    throw new ShapeError(op, `expected a square matrix [n, n] or a batch [b, n, n], got ${fmtShape(s)}`);
  }
  const n = s[s.length - 1]!;
  if (s[s.length - 2] !== n) {
    throw new ShapeError(op, `matrix must be square, got ${fmtShape(s)}`);
  }
  return { batch: s.length === 3 ? s[0]! : 1, n };
}

export interface MatStats {
  /** Non-finite entries per matrix. */
  bad: number[];
  maxAbs: number[];
  /** max |a_ij - a_ji| per matrix. */
  asym: number[];
  /** 1-norm (max column sum of |a_ij|) per matrix. */
  norm1: number[];
}

const checkSpec: KernelSpec = {
  name: 'mat_check',
  shader: 'linalg/mat_check.wgsl',
  defines: { WG: WG_LA },
  bindings: ['read', 'read_write'],
  uniforms: [
    { name: 'n', type: 'u32' },
    { name: 'batch', type: 'u32' },
  ],
};

/** One GPU pass over the batch and one 16-byte-per-matrix readback. */
export async function matStats(engine: Engine, op: string, a: Tensor, batch: number, n: number): Promise<MatStats> {
  const out = engine.empty([batch, 4], 'f32', op);
  try {
    await engine.launch({
      op,
      kernel: checkSpec,
      uniforms: { n, batch },
      buffers: [a, out],
      workgroups: { linear: batch },
      cost: { flops: 4 * batch * n * n, bytes: 8 * batch * n * n },
    });
    const r = await out.read();
    const pick = (c: number) => Array.from({ length: batch }, (_, b) => r[4 * b + c]!);
    return { bad: pick(0), maxAbs: pick(1), asym: pick(2), norm1: pick(3) };
  } finally {
    out.dispose();
  }
}

/** Throws ValueError naming the op, the matrix and the count when any entry is NaN or infinite. */
export function rejectNonFinite(op: string, a: Tensor, stats: MatStats): void {
  const b = stats.bad.findIndex((x) => x > 0);
  if (b >= 0) {
    const where = a.shape.length === 3 ? ` (matrix ${b} of the batch)` : '';
    throw new ValueError(op, `input ${fmtShape(a.shape)} holds ${stats.bad[b]} NaN or infinite entries${where}`);
  }
}
