// permute / transpose: moving elements between layouts (shaders/core/permute.wgsl,
// shaders/core/transpose_2d.wgsl). Exact: the bits are moved, never converted, for every dtype
// (f32, i32, u32 and f16).
//
// Axes that stay adjacent and in order are merged first (and size-1 axes dropped), so e.g. a
// [2, 3, 4, 5] tensor with perm [2, 3, 0, 1] is moved as a [6, 20] transpose. The result is
//   - a plain buffer copy when the merged permutation is the identity,
//   - transpose_2d.wgsl for [rows, cols] -> [cols, rows] and [b, rows, cols] -> [b, cols, rows]
//     with 4-byte dtypes,
//   - permute.wgsl (per-element index from stride tables in uniforms) otherwise, and for f16.
//     Its reads are gathers: on lavapipe (2 cores) it moved 0.08-0.18 GB/s for rank 4-6
//     permutations of 1-4 M f32 elements; 4 outputs per invocation (index stepped along the
//     last axis) gained about 20% over one.
import type { Tensor } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { LimitError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { WG_1D, contiguousStrides, engineOf } from './common.js';
import type { DType } from '../../runtime/dtype.js';

/** Largest rank permute and transpose accept. */
export const MAX_PERMUTE_RANK = 6;

// transpose_2d.wgsl: T x T invocations per workgroup, each moving a 4 x 4 block through
// registers, so a workgroup covers a 64 x 64 tile. Chosen by measurement on lavapipe 25 (Mesa
// llvmpipe, 2 cores), f32, GPU timestamps, median of 5 runs, ms (effective GB/s):
//   shape         4x4 register blocks  16x16 workgroup-memory tile  1 element/invocation  permute.wgsl
//   1024 x 1024   3.5-7.9 (1.1-2.4)    60-93 (0.09-0.14)            20-29 (0.3-0.4)       56-75 (0.1-0.15)
//   2048 x 1000   7.8-14 (1.2-2.1)     149-169 (0.1)                54-100 (0.2-0.3)      83-107 (0.15-0.2)
//   257 x 4099    5.4-7.8 (1.1-1.6)    61-96 (0.09-0.14)            19-26 (0.3-0.4)       63-86 (0.1)
// Workgroup barriers are expensive on CPU drivers, and the tile did not pay; it was dropped.
// (Not measured on a real GPU, where a shared-memory tile usually does pay.)
const TILE = 16;
const BLOCK = 4 * TILE;

function permuteSpec(half: boolean): KernelSpec {
  return {
    name: 'permute',
    shader: 'core/permute.wgsl',
    defines: { WG: WG_1D, HALF: half },
    bindings: ['read', 'read_write'],
    uniforms: [
      { name: 'n', type: 'u32' },
      { name: 'rank', type: 'u32' },
      { name: 'words', type: 'u32' },
      { name: '_pad', type: 'u32' },
      { name: 'out_shape', type: 'u32', length: MAX_PERMUTE_RANK },
      { name: 'src_strides', type: 'u32', length: MAX_PERMUTE_RANK },
    ],
  };
}

function transposeSpec(): KernelSpec {
  return {
    name: 'transpose_2d',
    shader: 'core/transpose_2d.wgsl',
    defines: { T: TILE },
    bindings: ['read', 'read_write'],
    uniforms: [
      { name: 'rows', type: 'u32' }, { name: 'cols', type: 'u32' }, { name: 'tiles_c', type: 'u32' },
      { name: 'tiles_m', type: 'u32' }, { name: 'tiles', type: 'u32' },
    ],
  };
}

function checkPerm(op: string, x: Tensor, perm: readonly number[]): void {
  const r = x.rank;
  const where = `perm ${fmtShape(perm)} for ${fmtShape(x.shape)}`;
  if (perm.length !== r) throw new ShapeError(op, `${where}: perm has ${perm.length} axes but the tensor has rank ${r}`);
  const seen = new Set<number>();
  for (const a of perm) {
    if (!Number.isInteger(a) || a < 0 || a >= r) throw new ShapeError(op, `${where}: axis ${a} is out of range [0, ${r})`);
    if (seen.has(a)) throw new ShapeError(op, `${where}: axis ${a} appears twice`);
    seen.add(a);
  }
}

/**
 * The smallest description of the move: input shape and permutation after dropping size-1
 * axes and merging runs of output axes that are consecutive input axes.
 */
export function simplifyPermutation(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  // drop size-1 axes, renumbering the rest
  const keep = shape.map((d) => d !== 1);
  const newIndex: number[] = [];
  let k = 0;
  for (let i = 0; i < shape.length; i++) newIndex.push(keep[i] ? k++ : -1);
  const s1 = shape.filter((_, i) => keep[i]);
  const p1 = perm.filter((a) => keep[a]).map((a) => newIndex[a]!);
  // group output axes whose input axes are consecutive
  const groups: number[][] = [];
  for (const a of p1) {
    const g = groups[groups.length - 1];
    if (g && g[g.length - 1]! + 1 === a) g.push(a);
    else groups.push([a]);
  }
  // groups ordered by input position give the merged input shape
  const byInput = [...groups].sort((g, h) => g[0]! - h[0]!);
  const mergedShape = byInput.map((g) => g.reduce((acc, a) => acc * s1[a]!, 1));
  const perm2 = groups.map((g) => byInput.indexOf(g));
  return { shape: mergedShape, perm: perm2 };
}

function copyOf<D extends DType>(op: string, x: Tensor<D>, shape: number[]): Tensor<D> {
  const out = x.engine.empty(shape, x.dtype, op);
  if (x.size > 0) x.engine.scheduler.copy(x.buffer, 0, out.buffer, 0, x.binding().size);
  return out;
}

/**
 * out[i_perm[0], ..., i_perm[r-1]] = x[i_0, ..., i_{r-1}]: out's axis d is x's axis perm[d]
 * (numpy.transpose). Without perm the axes are reversed. Rank <= 6; any dtype; exact.
 */
export async function permute<D extends DType>(x: Tensor<D>, perm?: readonly number[], op = 'permute'): Promise<Tensor<D>> {
  const engine = engineOf(op, x);
  if (x.rank > MAX_PERMUTE_RANK) {
    throw new ShapeError(op, `${x} has rank ${x.rank}; at most ${MAX_PERMUTE_RANK} axes are supported`);
  }
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  checkPerm(op, x, p);
  const outShape = p.map((a) => x.shape[a]!);
  const n = x.size;
  if (n > 2 ** 32 - 4) throw new LimitError(op, `${fmtShape(x.shape)} has over 2^32 elements`);
  const s = simplifyPermutation(x.shape, p);
  const identity = s.perm.every((a, i) => a === i);
  if (n === 0 || identity) return copyOf(op, x, outShape);

  const out = engine.empty(outShape, x.dtype, op);
  const half = x.dtype === 'f16';
  const bytes = 2 * n * (half ? 2 : 4);
  const r = s.perm.length;
  try {
    const batched = r === 3 && s.perm[0] === 0 && s.perm[1] === 2 && s.perm[2] === 1;
    const plain = r === 2; // the only non-identity permutation of 2 axes is [1, 0]
    if (!half && (plain || batched)) {
      const [b, rows, cols] = plain ? [1, s.shape[0]!, s.shape[1]!] : (s.shape as [number, number, number]);
      const tilesC = Math.ceil(cols / BLOCK);
      const tilesM = Math.ceil(rows / BLOCK) * tilesC;
      await engine.launch({
        op, kernel: transposeSpec(), buffers: [x, out],
        uniforms: { rows, cols, tiles_c: tilesC, tiles_m: tilesM, tiles: b * tilesM },
        workgroups: { linear: b * tilesM },
        cost: { flops: 0, bytes },
      });
    } else {
      const srcStrides = contiguousStrides(s.shape);
      const words = half ? Math.ceil(n / 2) : Math.ceil(n / 4); // invocations
      await engine.launch({
        op, kernel: permuteSpec(half), buffers: [x, out],
        uniforms: {
          n, rank: r, words, _pad: 0,
          out_shape: s.perm.map((a) => s.shape[a]!),
          src_strides: s.perm.map((a) => srcStrides[a]!),
        },
        workgroups: { linear: Math.ceil(words / WG_1D) },
        cost: { flops: 0, bytes },
      });
    }
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/**
 * Swaps the last two axes (a batched matrix transpose: [..., m, n] -> [..., n, m]); a copy
 * for rank 0 and 1. Rank <= 6; any dtype; exact.
 */
export async function transpose<D extends DType>(x: Tensor<D>): Promise<Tensor<D>> {
  const r = x.rank;
  if (r < 2) {
    engineOf('transpose', x);
    return copyOf('transpose', x, [...x.shape]);
  }
  const perm = x.shape.map((_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return permute(x, perm, 'transpose');
}

