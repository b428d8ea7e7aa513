// Elementwise unary and binary ops with numpy broadcasting (shaders/core/unary.wgsl, binary.wgsl).
//
// Accuracy: add/sub/mul/div/neg/abs/max/min/relu are correctly rounded (0.5 ULP). sqrt and the
// transcendental builtins follow WGSL's accuracy rules (exp, log: 3 + 2|x| ULP / absolute
// 2^-21 near 1; tanh/sigmoid/silu are built from exp: a few ULP). pow(a, b) = exp2(b log2 a)
// is defined for a > 0 only (NaN otherwise, as in WGSL).
import { Tensor, numel } from '../../runtime/tensor.js';
import type { KernelSpec } from '../../runtime/kernel.js';
import { DTypeError, ShapeError } from '../../runtime/errors.js';
import {
  MAX_RANK, WG_1D, bindingChunks, broadcastShapes, broadcastStrides, engineOf, rangeBinding, requireDType, sameDType,
} from './common.js';
import { BYTES_PER_ELEMENT, type DType } from '../../runtime/dtype.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min';
export type UnaryOp =
  | 'exp' | 'log' | 'neg' | 'abs' | 'sqrt' | 'relu' | 'silu' | 'tanh' | 'sigmoid' | 'xlogx'
  | 'scale' | 'addScalar' | 'copy';

const BINARY_EXPR: Record<BinaryOp, string> = {
  add: 'x + y',
  sub: 'x - y',
  mul: 'x * y',
  div: 'x / y',
  pow: 'pow(x, y)',
  max: 'max(x, y)',
  min: 'min(x, y)',
};

const FLOAT_ONLY_BINARY: ReadonlySet<BinaryOp> = new Set(['pow']);

// Written to avoid overflow: tanh and sigmoid through exp(-|v|) <= 1.
const UNARY_EXPR: Record<UnaryOp, string> = {
  exp: 'exp(v)',
  log: 'log(v)',
  neg: '-v',
  abs: 'abs(v)',
  sqrt: 'sqrt(v)',
  relu: 'max(v, T(0))',
  silu: 'v * select(exp(v) / (T(1) + exp(v)), T(1) / (T(1) + exp(-v)), v >= T(0))',
  tanh: 'sign(v) * (T(1) - exp(T(-2) * abs(v))) / (T(1) + exp(T(-2) * abs(v)))',
  sigmoid: 'select(exp(v) / (T(1) + exp(v)), T(1) / (T(1) + exp(-v)), v >= T(0))',
  // 0 log 0 = 0, the entropy convention
  xlogx: 'select(T(0), v * log(v), v > T(0))',
  scale: 'alpha * v',
  addScalar: 'v + alpha',
  copy: 'v',
};

const INT_OK_UNARY: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'relu', 'copy', 'scale', 'addScalar']);
const TRANSCENDENTAL: ReadonlySet<UnaryOp> = new Set(['exp', 'log', 'sqrt', 'silu', 'tanh', 'sigmoid', 'xlogx']);

// Items (vec4s, or elements on the scalar fallback) per invocation on the contiguous paths: a
// workgroup owns PER * WG_1D consecutive items (see unary.wgsl). On lavapipe, add at 1M/16M
// f32 ran at about 3.8 / 4.6 / 6.2 / 5.2 GB/s with PER = 1 / 2 / 4 / 8 (medians of 5).
const PER = 4;

/**
 * Whether elements [start, start+count) of every tensor can be bound as whole vec4s: the
 * binding is rounded up to a multiple of 4 elements, so each buffer needs that much room
 * (pool buffers always have it: their sizes are multiples of 128 bytes; a wrapped buffer of
 * exactly the tensor's size may not, and then the scalar kernel runs), and the rounded binding
 * must stay within maxStorageBufferBindingSize.
 */
function vecBindable(ts: readonly Tensor[], start: number, count: number, bpe: number): boolean {
  const size = Math.ceil(count / 4) * 4 * bpe;
  const end = start * bpe + size;
  return size <= ts[0]!.engine.limits.maxStorageBufferBindingSize && ts.every((t) => end <= t.buffer.size);
}

/** A binding of elements [start, start+count) rounded up to whole vec4s (see vecBindable). */
function vecBinding(t: Tensor, start: number, count: number, bpe: number) {
  return { buffer: t.buffer, offset: start * bpe, size: Math.ceil(count / 4) * 4 * bpe };
}

function binarySpec(op: BinaryOp, dtype: DType, broadcast: boolean, vec4 = false): KernelSpec {
  return {
    name: op,
    shader: 'core/binary.wgsl',
    defines: { T: dtype, EXPR: BINARY_EXPR[op], BROADCAST: broadcast, WG: WG_1D, PER, VEC4: vec4, F16: dtype === 'f16' },
    bindings: ['read', 'read', 'read_write'],
    uniforms: [
      { name: 'n', type: 'u32' },
      { name: 'rank', type: 'u32' },
      { name: '_pad0', type: 'u32' },
      { name: '_pad1', type: 'u32' },
      { name: 'out_shape', type: 'u32', length: MAX_RANK },
      { name: 'a_strides', type: 'u32', length: MAX_RANK },
      { name: 'b_strides', type: 'u32', length: MAX_RANK },
    ],
  };
}

function unarySpec(op: UnaryOp, dtype: DType, vec4: boolean): KernelSpec {
  // T(c) splats to every component on the vec4 path.
  const expr = UNARY_EXPR[op].replace(/\bT\(/g, vec4 ? `vec4<${dtype}>(` : `${dtype}(`);
  return {
    name: op,
    shader: 'core/unary.wgsl',
    defines: { T: dtype, EXPR: expr, WG: WG_1D, PER, VEC4: vec4, F16: dtype === 'f16' },
    bindings: ['read', 'read_write'],
    uniforms: [
      { name: 'n', type: 'u32' },
      { name: 'alpha', type: 'f32' },
    ],
  };
}

/** out = a (op) b with numpy broadcasting. Both operands must have the same dtype. */
export async function binary(op: BinaryOp, a: Tensor, b: Tensor): Promise<Tensor> {
  const engine = engineOf(op, a, b);
  const dtype = sameDType(op, a, b);
  if (FLOAT_ONLY_BINARY.has(op)) requireDType(op, a, ['f32', 'f16']);
  const outShape = broadcastShapes(op, a.shape, b.shape);
  if (outShape.length > MAX_RANK) throw new ShapeError(op, `rank ${outShape.length} exceeds the supported ${MAX_RANK}`);
  const n = numel(outShape);
  const out = engine.empty(outShape, dtype, op);
  if (n === 0) return out;
  const same = a.size === n && b.size === n && a.shape.length === b.shape.length;
  const bpe = BYTES_PER_ELEMENT[dtype];
  const uniforms = {
    rank: outShape.length, _pad0: 0, _pad1: 0,
    out_shape: outShape,
    a_strides: broadcastStrides(a.shape, outShape),
    b_strides: broadcastStrides(b.shape, outShape),
  };
  if (!same) {
    await engine.launch({
      op,
      kernel: binarySpec(op, dtype, true),
      uniforms: { n, ...uniforms },
      buffers: [a, b, out],
      workgroups: { linear: Math.ceil(n / WG_1D) },
      cost: { flops: n, bytes: (a.size + b.size + n) * bpe },
    });
    return out;
  }
  // Same shapes: contiguous, so over-limit buffers are processed in binding-sized ranges.
  for (const { start, count } of bindingChunks(engine, n, bpe)) {
    const vec4 = vecBindable([a, b, out], start, count, bpe);
    const item = vec4 ? 4 : 1;
    const bind = vec4 ? vecBinding : rangeBinding;
    await engine.launch({
      op,
      kernel: binarySpec(op, dtype, false, vec4),
      uniforms: { n: count, ...uniforms },
      buffers: [bind(a, start, count, bpe), bind(b, start, count, bpe), bind(out, start, count, bpe)],
      workgroups: { linear: Math.ceil(count / (item * PER * WG_1D)) },
      cost: { flops: count, bytes: 3 * count * bpe },
    });
  }
  return out;
}

/** out = f(x). `alpha` is the scalar of 'scale' (alpha * x) and 'addScalar' (x + alpha). */
export async function unary(op: UnaryOp, x: Tensor, alpha = 0): Promise<Tensor> {
  const engine = engineOf(op, x);
  if (!INT_OK_UNARY.has(op)) requireDType(op, x, ['f32', 'f16']);
  if (x.dtype === 'u32' && op === 'neg') throw new DTypeError(op, `${x} is u32, which has no sign`);
  const out = engine.empty(x.shape, x.dtype, op);
  const n = x.size;
  if (n === 0) return out;
  const bpe = BYTES_PER_ELEMENT[x.dtype];
  for (const { start, count } of bindingChunks(engine, n, bpe)) {
    const vec4 = vecBindable([x, out], start, count, bpe);
    const item = vec4 ? 4 : 1;
    const bind = vec4 ? vecBinding : rangeBinding;
    await engine.launch({
      op,
      kernel: unarySpec(op, x.dtype, vec4),
      uniforms: { n: count, alpha },
      buffers: [bind(x, start, count, bpe), bind(out, start, count, bpe)],
      workgroups: { linear: Math.ceil(count / (item * PER * WG_1D)) },
      cost: { flops: count * (TRANSCENDENTAL.has(op) ? 4 : 1), bytes: 2 * count * bpe },
    });
  }
  return out;
}

export const add = (a: Tensor, b: Tensor) => binary('add', a, b);
export const sub = (a: Tensor, b: Tensor) => binary('sub', a, b);
export const mul = (a: Tensor, b: Tensor) => binary('mul', a, b);
export const div = (a: Tensor, b: Tensor) => binary('div', a, b);
export const pow = (a: Tensor, b: Tensor) => binary('pow', a, b);
export const maximum = (a: Tensor, b: Tensor) => binary('max', a, b);
export const minimum = (a: Tensor, b: Tensor) => binary('min', a, b);

export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const neg = (x: Tensor) => unary('neg', x);
export const abs = (x: Tensor) => unary('abs', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const relu = (x: Tensor) => unary('relu', x);
export const silu = (x: Tensor) => unary('silu', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
/** x log x with 0 log 0 = 0. */
export const xlogx = (x: Tensor) => unary('xlogx', x);
export const scale = (x: Tensor, alpha: number) => unary('scale', x, alpha);
export const addScalar = (x: Tensor, alpha: number) => unary('addScalar', x, alpha);
/** A new tensor with the same elements. */
export const clone = (x: Tensor) => unary('copy', x);
