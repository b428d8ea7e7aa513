// Tensor creation: fill / zeros / ones, iota (alias arange), reshape
// (shaders/core/fill.wgsl, shaders/core/iota.wgsl). All exact (iota's f32 values are the
// stated float32 expression, identical on every adapter).
import type { Engine } from '../../runtime/engine.js';
import { Tensor, numel, type Shape } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { checkDType, f32ToF16Bits, type DType } from '../../runtime/dtype.js';
import { DTypeError, LimitError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { WG_1D, engineOf } from './common.js';
import { cast } from './cast.js';

const FILL: KernelSpec = {
  name: 'fill', shader: 'core/fill.wgsl', defines: { WG: WG_1D }, bindings: ['read_write'],
  uniforms: [{ name: 'words', type: 'u32' }, { name: 'value', type: 'u32' }],
};

function iotaSpec(float: boolean): KernelSpec {
  return {
    name: 'iota', shader: 'core/iota.wgsl', defines: { WG: WG_1D, FLOAT: float }, bindings: ['read_write'],
    uniforms: [
      { name: 'n', type: 'u32' }, { name: 'zero', type: 'u32' }, { name: 'start_u', type: 'u32' },
      { name: 'step_u', type: 'u32' }, { name: 'start_f', type: 'f32' }, { name: 'step_f', type: 'f32' },
    ],
  };
}

/** The 32-bit pattern of `value` in `dtype` (f16: the half twice, filling a word). */
function bitPattern(op: string, value: number, dtype: DType): number {
  switch (dtype) {
    case 'i32':
      if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
        throw new ValueError(op, `value ${value} is not an i32 (an integer in [-2^31, 2^31))`);
      }
      return value >>> 0;
    case 'u32':
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) {
        throw new ValueError(op, `value ${value} is not a u32 (an integer in [0, 2^32))`);
      }
      return value;
    case 'f32':
      return new Uint32Array(new Float32Array([value]).buffer)[0]!;
    case 'f16': {
      const h = f32ToF16Bits(value);
      return ((h << 16) | h) >>> 0;
    }
  }
}

/**
 * A new tensor of `shape` with every element `value` (rounded to nearest for f32/f16;
 * i32/u32 values must be integers in range, else ValueError).
 */
export async function fill<D extends DType = 'f32'>(engine: Engine, shape: Shape, value: number, dtype: D = 'f32' as D): Promise<Tensor<D>> {
  const op = 'fill';
  engine.check(op);
  checkDType(op, dtype);
  if (typeof value !== 'number') throw new ValueError(op, `value must be a number, got ${typeof value}`);
  const bits = bitPattern(op, value, dtype);
  const out = engine.empty(shape, dtype, op);
  const words = out.binding().size / 4;
  if (out.size === 0) return out;
  if (words > 2 ** 32 - 4) throw new LimitError(op, `${fmtShape(shape)} has over 2^32 words`);
  await engine.launch({
    op, kernel: FILL, uniforms: { words, value: bits }, buffers: [out],
    workgroups: { linear: Math.ceil(words / (4 * WG_1D)) },
    cost: { flops: 0, bytes: 4 * words },
  });
  return out;
}

export const zeros = <D extends DType = 'f32'>(engine: Engine, shape: Shape, dtype: D = 'f32' as D) => fill(engine, shape, 0, dtype);
export const ones = <D extends DType = 'f32'>(engine: Engine, shape: Shape, dtype: D = 'f32' as D) => fill(engine, shape, 1, dtype);

export interface IotaOptions<D extends DType> {
  /** Default 0. */
  start?: number;
  /** Default 1. */
  step?: number;
  /** Default 'f32'. */
  dtype?: D;
}

/**
 * A 1-D tensor of n elements start + i * step.
 * f32: fl(start + fl(fl(i) * step)) with start and step rounded to f32 and i rounded to
 *   nearest even (exact for i <= 2^24); identical on every adapter.
 * f16: the f32 values above rounded to nearest even f16 (through cast).
 * i32 / u32: start and step integers; wrapping 32-bit arithmetic (like the hardware).
 */
export async function iota<D extends DType = 'f32'>(engine: Engine, n: number, options: IotaOptions<D> = {}): Promise<Tensor<D>> {
  const op = 'iota';
  engine.check(op);
  const dtype = checkDType(op, options.dtype ?? 'f32') as D;
  const start = options.start ?? 0;
  const step = options.step ?? 1;
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(op, `n = ${n} must be a non-negative integer`);
  if (n > 2 ** 32 - 4) throw new LimitError(op, `n = ${n} is over 2^32`);
  if (dtype === 'f16') {
    if (!engine.features.f16) throw new DTypeError(op, `f16 tensors need the 'shader-f16' feature, which this adapter lacks`);
    const f = await iota(engine, n, { start, step, dtype: 'f32' });
    try {
      return (await cast(f, 'f16')) as Tensor<D>;
    } finally {
      f.dispose();
    }
  }
  const float = dtype === 'f32';
  let startU = 0, stepU = 0;
  if (float) {
    if (!Number.isFinite(Math.fround(start)) || !Number.isFinite(Math.fround(step))) {
      throw new ValueError(op, `start = ${start} and step = ${step} must be finite float32 values`);
    }
  } else {
    const [lo, hi] = dtype === 'i32' ? [-(2 ** 31), 2 ** 31] : [0, 2 ** 32];
    if (!Number.isInteger(start) || start < lo || start >= hi) throw new ValueError(op, `start = ${start} is not a ${dtype}`);
    if (!Number.isInteger(step) || step < -(2 ** 31) || step >= 2 ** 32) {
      throw new ValueError(op, `step = ${step} must be an integer in [-2^31, 2^32)`);
    }
    startU = start >>> 0;
    stepU = step >>> 0;
  }
  const out = engine.empty([n], dtype, op);
  if (n === 0) return out;
  await engine.launch({
    op, kernel: iotaSpec(float),
    uniforms: { n, zero: 0, start_u: startU, step_u: stepU, start_f: float ? start : 0, step_f: float ? step : 0 },
    buffers: [out],
    workgroups: { linear: Math.ceil(n / WG_1D) },
    cost: { flops: 2 * n, bytes: 4 * n },
  });
  return out;
}

/** Alias of iota (n elements start + i * step; not numpy's stop-based signature). */
export const arange = iota;

/**
 * A new tensor with x's elements in row-major order and shape `shape` (one entry may be -1:
 * inferred). It is a copy (one buffer-to-buffer copy, no kernel), not a view: the result owns
 * its buffer, so disposing either tensor never affects the other.
 */
export async function reshape<D extends DType>(x: Tensor<D>, shape: Shape): Promise<Tensor<D>> {
  const op = 'reshape';
  const engine = engineOf(op, x);
  const target = [...shape];
  const free = target.filter((d) => d === -1).length;
  if (free > 1) throw new ShapeError(op, `shape ${fmtShape(target)} has more than one -1`);
  for (const d of target) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new ShapeError(op, `shape ${fmtShape(target)} must hold non-negative integers (or one -1)`);
  }
  if (free === 1) {
    const known = numel(target.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(op, `cannot infer the -1 in ${fmtShape(target)} for ${fmtShape(x.shape)} (${x.size} elements)`);
    }
    target[target.indexOf(-1)] = x.size / known;
  }
  if (numel(target) !== x.size) {
    throw new ShapeError(op, `cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(target)} (${numel(target)} elements)`);
  }
  const out = engine.empty(target, x.dtype, op);
  if (x.size > 0) engine.scheduler.copy(x.buffer, 0, out.buffer, 0, x.binding().size);
  return out;
}

