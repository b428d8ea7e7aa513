// Helpers shared by ops: operand checks and the workgroup size used by 1-D kernels.
import { DTypeError, ShapeError, fmtShape } from '../../runtime/errors.js';
import type { Tensor, Shape } from '../../runtime/tensor.js';
import type { Engine } from '../../runtime/engine.js';
import type { DType } from '../../runtime/dtype.js';

/** Invocations per workgroup for 1-D elementwise kernels; 256 is within every adapter's limit and was the fastest of 64/128/256 for add on lavapipe. */
export const WG_1D = 256;

export const MAX_RANK = 8;

export function engineOf(op: string, ...ts: Tensor[]): Engine {
  const e = ts[0]!.engine;
  for (const t of ts) {
    if (t.disposed) t.buffer; // throws DisposedError naming the tensor
    if (t.engine !== e) throw new ShapeError(op, `operands belong to different engines`);
  }
  e.check(op);
  return e;
}

export function sameDType(op: string, ...ts: Tensor[]): DType {
  const d = ts[0]!.dtype;
  for (const t of ts) {
    if (t.dtype !== d) throw new DTypeError(op, `dtypes differ: ${ts.map((x) => x.dtype).join(' vs ')}`);
  }
  return d;
}

export function requireDType(op: string, t: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(t.dtype)) {
    throw new DTypeError(op, `${t} has dtype ${t.dtype}; expected ${allowed.join(' or ')}`);
  }
}

export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** numpy broadcasting of two shapes; throws ShapeError naming both. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dimension ${i}: ${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides of `shape` viewed in the broadcast `outShape` (0 where broadcast). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = contiguousStrides(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : own[i - off]!));
}

/**
 * Splits n contiguous elements into ranges whose bindings fit maxStorageBufferBindingSize and
 * start on minStorageBufferOffsetAlignment, so elementwise work over huge buffers runs as
 * several dispatches instead of being refused.
 */
export function bindingChunks(engine: Engine, n: number, bytesPerElement: number): { start: number; count: number }[] {
  const align = engine.limits.minStorageBufferOffsetAlignment;
  const maxBytes = engine.limits.maxStorageBufferBindingSize;
  if (n * bytesPerElement <= maxBytes) return [{ start: 0, count: n }];
  const perChunk = Math.floor(maxBytes / align) * (align / bytesPerElement);
  const out: { start: number; count: number }[] = [];
  for (let start = 0; start < n; start += perChunk) out.push({ start, count: Math.min(perChunk, n - start) });
  return out;
}

/** A binding of elements [start, start+count) of a tensor. */
export function rangeBinding(t: Tensor, start: number, count: number, bytesPerElement: number) {
  return { buffer: t.buffer, offset: start * bytesPerElement, size: Math.max(4, Math.ceil((count * bytesPerElement) / 4) * 4) };
}
