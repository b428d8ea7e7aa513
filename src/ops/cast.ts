// cast(x, dtype) between f32, i32, u32 and f16 (shaders/core/cast_x32.wgsl, cast_to_f16.wgsl,
// cast_from_f16.wgsl). Every conversion is done on raw bits with integer operations, so the
// result is exact where the value is representable and otherwise rounded by one stated rule,
// identically on every adapter:
//   float -> int: truncate toward zero, saturate at the target's range, NaN -> 0.
//   int -> f32, f32 -> f16: round to nearest, ties to even; beyond f16's range -> +-Infinity;
//     NaN stays NaN. (i32/u32 -> f16 is exact-then-rounded once: integers past 2^24 are Inf in
//     f16 anyway.)
//   i32 <-> u32: the same 32 bits (two's complement wrap, like numpy's astype).
//   f16 -> f32: exact.
// f16 tensors (two halves per 32-bit word) exist only when engine.features.f16.
import type { Tensor } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { checkDType, type DType } from '../../runtime/dtype.js';
import { LimitError, fmtShape } from '../../runtime/errors.js';
import { WG_1D, engineOf } from './common.js';

function x32Spec(from: DType, to: DType): KernelSpec {
  return {
    name: `cast_${from}_${to}`,
    shader: 'core/cast_x32.wgsl',
    defines: {
      WG: WG_1D,
      F2I: from === 'f32' && to === 'i32',
      F2U: from === 'f32' && to === 'u32',
      I2F: from === 'i32' && to === 'f32',
      U2F: from === 'u32' && to === 'f32',
    },
    bindings: ['read', 'read_write'],
    uniforms: [{ name: 'n', type: 'u32' }],
  };
}

function toF16Spec(from: DType): KernelSpec {
  return {
    name: `cast_${from}_f16`,
    shader: 'core/cast_to_f16.wgsl',
    defines: { WG: WG_1D, FROM_F32: from === 'f32', SIGNED: from === 'i32' },
    bindings: ['read', 'read_write'],
    uniforms: [{ name: 'n', type: 'u32' }, { name: 'words', type: 'u32' }],
  };
}

function fromF16Spec(to: DType): KernelSpec {
  return {
    name: `cast_f16_${to}`,
    shader: 'core/cast_from_f16.wgsl',
    defines: { WG: WG_1D, TO_F32: to === 'f32', SIGNED: to === 'i32' },
    bindings: ['read', 'read_write'],
    uniforms: [{ name: 'n', type: 'u32' }, { name: 'words', type: 'u32' }],
  };
}

/** A new tensor with x's elements converted to `dtype` (a copy when the dtype is the same). */
export async function cast<D extends DType>(x: Tensor, dtype: D): Promise<Tensor<D>> {
  const op = 'cast';
  const engine = engineOf(op, x);
  checkDType(op, dtype);
  const out = engine.empty(x.shape, dtype, op);
  const n = x.size;
  if (n === 0) return out;
  if (n > 2 ** 32 - 4) throw new LimitError(op, `${fmtShape(x.shape)} has over 2^32 elements`);
  const from = x.dtype;
  if (from === dtype) {
    engine.scheduler.copy(x.buffer, 0, out.buffer, 0, x.binding().size);
    return out;
  }
  let kernel: KernelSpec;
  let invocations: number;
  if (dtype === 'f16') {
    kernel = toF16Spec(from);
    invocations = Math.ceil(n / 2);
  } else if (from === 'f16') {
    kernel = fromF16Spec(dtype);
    invocations = Math.ceil(n / 2);
  } else {
    kernel = x32Spec(from, dtype);
    invocations = n;
  }
  const bytesIn = from === 'f16' ? 2 : 4, bytesOut = dtype === 'f16' ? 2 : 4;
  try {
    await engine.launch({
      op, kernel, uniforms: { n, words: Math.ceil(n / 2) }, buffers: [x, out],
      workgroups: { linear: Math.ceil(invocations / WG_1D) },
      cost: { flops: n, bytes: n * (bytesIn + bytesOut) },
    });
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}
