// Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11) in WGSL
// (shaders/core/philox_bits.wgsl, philox_uniform.wgsl, philox_normal.wgsl).
//
// Stream: word i of a draw is lane i % 4 of Philox(counter = offset + floor(i / 4), key = seed),
// seed a 64-bit key (low word first), offset a 128-bit counter (default 0). Every kernel uses
// integer operations and correctly rounded f32 + - * only, kept out of fma contraction, so the
// output is bit-identical on every adapter, between runs, and equal to the host reference
// test/reference/philox.ts (checked against the Random123 known-answer vectors).
// Independent draws: use another seed, or the same seed with offsets whose ranges of
// ceil(n / 4) counters do not overlap, e.g. offset = BigInt(step) << 64n.
import type { Engine } from '../../runtime/engine.js';
import type { Tensor, Shape } from '../../runtime/tensor.js';
import { numel } from '../../runtime/tensor.js';
import type { KernelSpec, UniformField } from '../../runtime/kernel.js';
import { LimitError, ShapeError, ValueError, fmtShape } from '../../runtime/errors.js';
import { WG_1D } from './common.js';

export interface RandomOptions {
  /** 64-bit key: a non-negative safe integer or a bigint below 2^64. */
  seed: number | bigint;
  /** First 128-bit Philox counter (one counter per 4 outputs). Default 0. */
  offset?: number | bigint;
}

export interface UniformOptions extends RandomOptions {
  /** Default 0. */
  low?: number;
  /** Default 1; must exceed low. */
  high?: number;
}

export interface NormalOptions extends RandomOptions {
  /** Default 0. */
  mean?: number;
  /** Default 1; must be >= 0. */
  std?: number;
}

const PHILOX_UNIFORMS: UniformField[] = [
  { name: 'n', type: 'u32' },
  { name: 'key0', type: 'u32' },
  { name: 'key1', type: 'u32' },
  { name: 'ctr0', type: 'u32' },
  { name: 'ctr1', type: 'u32' },
  { name: 'ctr2', type: 'u32' },
  { name: 'ctr3', type: 'u32' },
];

function bitsSpec(): KernelSpec {
  return { name: 'randomBits', shader: 'core/philox_bits.wgsl', defines: { WG: WG_1D }, bindings: ['read_write'], uniforms: PHILOX_UNIFORMS };
}

function uniformSpec(): KernelSpec {
  return {
    name: 'randomUniform', shader: 'core/philox_uniform.wgsl', defines: { WG: WG_1D }, bindings: ['read_write'],
    uniforms: [...PHILOX_UNIFORMS, { name: 'zero', type: 'u32' }, { name: 'low', type: 'f32' }, { name: 'range', type: 'f32' },
      { name: 'below', type: 'f32' }, { name: 'high', type: 'f32' }],
  };
}

function normalSpec(): KernelSpec {
  return {
    name: 'randomNormal', shader: 'core/philox_normal.wgsl', defines: { WG: WG_1D }, bindings: ['read_write'],
    uniforms: [...PHILOX_UNIFORMS, { name: 'zero', type: 'u32' }, { name: 'mean', type: 'f32' }, { name: 'sd', type: 'f32' }],
  };
}

const M32 = 0xffffffffn;

function toBig(op: string, what: string, v: number | bigint, bits: number): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (Number.isSafeInteger(v)) b = BigInt(v);
  else throw new ValueError(op, `${what} ${v} must be a non-negative safe integer or a bigint`);
  if (b < 0n || b >= 1n << BigInt(bits)) throw new ValueError(op, `${what} ${v} must lie in [0, 2^${bits})`);
  return b;
}

function philoxUniforms(op: string, n: number, o: RandomOptions) {
  if (o === undefined || o === null || (o as RandomOptions).seed === undefined) throw new ValueError(op, 'a seed is required');
  const seed = toBig(op, 'seed', o.seed, 64);
  const offset = toBig(op, 'offset', o.offset ?? 0, 128);
  const w = (x: bigint, k: number) => Number((x >> BigInt(32 * k)) & M32);
  return { n, key0: w(seed, 0), key1: w(seed, 1), ctr0: w(offset, 0), ctr1: w(offset, 1), ctr2: w(offset, 2), ctr3: w(offset, 3) };
}

function outputFor(op: string, engine: Engine, shape: number | Shape, dtype: 'u32' | 'f32'): Tensor {
  const s = typeof shape === 'number' ? [shape] : [...shape];
  for (const d of s) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(op, `shape ${fmtShape(s)} must hold non-negative integers`);
  }
  if (numel(s) > 2 ** 32 - 4) throw new LimitError(op, `${fmtShape(s)} has over 2^32 elements`);
  return engine.empty(s, dtype, op);
}

async function run(engine: Engine, op: string, kernel: KernelSpec, out: Tensor, uniforms: Record<string, number>, flopsPerBlock: number) {
  const blocks = Math.ceil(out.size / 4);
  try {
    await engine.launch({
      op, kernel, uniforms, buffers: [out],
      workgroups: { linear: Math.ceil(blocks / WG_1D) },
      cost: { flops: blocks * flopsPerBlock, bytes: 4 * out.size },
    });
  } catch (e) {
    out.dispose();
    throw e;
  }
}

/** The raw Philox4x32-10 stream as u32 (see the stream layout above). Exact. */
export async function randomBits(engine: Engine, shape: number | Shape, seed: number | bigint, options: { offset?: number | bigint } = {}): Promise<Tensor<'u32'>> {
  const op = 'randomBits';
  engine.check(op);
  const u = philoxUniforms(op, 0, { seed, offset: options.offset });
  const out = outputFor(op, engine, shape, 'u32') as Tensor<'u32'>;
  if (out.size > 0) await run(engine, op, bitsSpec(), out, { ...u, n: out.size }, 10 * 12);
  return out;
}

/**
 * f32 uniforms in [low, high): word x gives u = (x >> 8) 2^-24 (24 random bits, exact), and
 * v = fl(low + fl((high - low) u)), replaced by the largest float below high if rounding
 * reaches high. Error: one rounding of the product and one of the sum (|v - exact| <= u32
 * unit roundoff times (|low| + 2|v|)); bit-identical on every adapter.
 */
export async function randomUniform(engine: Engine, shape: number | Shape, options: UniformOptions): Promise<Tensor<'f32'>> {
  const op = 'randomUniform';
  engine.check(op);
  const u = philoxUniforms(op, 0, options);
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  const lowF = Math.fround(low), highF = Math.fround(high);
  const range = Math.fround(highF - lowF);
  if (!Number.isFinite(lowF) || !Number.isFinite(highF) || !(lowF < highF) || !Number.isFinite(range)) {
    throw new ValueError(op, `need finite float32 low < high with a finite high - low, got low = ${low}, high = ${high}`);
  }
  const out = outputFor(op, engine, shape, 'f32') as Tensor<'f32'>;
  if (out.size > 0) {
    await run(engine, op, uniformSpec(), out, { ...u, n: out.size, zero: 0, low: lowF, range, below: prevFloat32(highF), high: highF }, 10 * 12 + 12);
  }
  return out;
}

/**
 * f32 normals mean + std z by Box-Muller on the Philox stream (philox_normal.wgsl): z is cut
 * off at |z| <= 5.77 (u1 >= 2^-24; the tail beyond has probability 8e-9). Accuracy of z
 * against float64 Box-Muller on the same words: |error| <= 16 * 2^-24 * (1 + |z|) (the
 * float32 ln, sqrt and sin/cos it is built from are each within 2-4 units of 2^-24; measured
 * maximum 8.9e-7 over 4e5 draws). Bit-identical on every adapter.
 */
export async function randomNormal(engine: Engine, shape: number | Shape, options: NormalOptions): Promise<Tensor<'f32'>> {
  const op = 'randomNormal';
  engine.check(op);
  const u = philoxUniforms(op, 0, options);
  const mean = Math.fround(options.mean ?? 0);
  const std = Math.fround(options.std ?? 1);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new ValueError(op, `need finite float32 mean and std >= 0, got mean = ${options.mean}, std = ${options.std}`);
  }
  const out = outputFor(op, engine, shape, 'f32') as Tensor<'f32'>;
  if (out.size > 0) await run(engine, op, normalSpec(), out, { ...u, n: out.size, zero: 0, mean, sd: std }, 10 * 12 + 2 * 80);
  return out;
}

/** The largest float32 below v (v a finite float32). */
function prevFloat32(v: number): number {
  if (v === 0) return -(2 ** -149);
  const f = new Float32Array([v]);
  const b = new Uint32Array(f.buffer);
  b[0] = v > 0 ? b[0]! - 1 : b[0]! + 1;
  return f[0]!;
}
