// Typed errors. Each names the operation and the values involved, so a failure deep in a
// pipeline reads as "matmul: inner dimensions differ: a is [3, 4], b is [5, 2]".

export class DiffrgError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation (rank, broadcasting, inner dimensions, ...). */
export class ShapeError extends DiffrgError {}

/** A dtype the operation does not accept, or operands whose dtypes differ. */
export class DTypeError extends DiffrgError {}

/** Values that are not acceptable (NaN, negative weights, out of range). */
export class ValueError extends DiffrgError {}

/** A device limit would be exceeded (buffer binding size, workgroups, workgroup memory). */
export class LimitError extends DiffrgError {}

/** A tensor or engine used after dispose(). */
export class DisposedError extends DiffrgError {}

/** WGSL failed to compile or the pipeline failed validation. */
export class CompileError extends DiffrgError {}

/** The GPU device was lost (destroyed, driver reset, out of memory). */
export class DeviceLostError extends DiffrgError {
  readonly reason: string;
  constructor(op: string, reason: string, message: string) {
    super(op, `device lost (${reason}): ${message}`);
    this.reason = reason;
  }
}

/** An error the GPU reported asynchronously (validation, out-of-memory, internal). */
export class GPUReportedError extends DiffrgError {}

/** No WebGPU adapter could be found. */
export class NoAdapterError extends DiffrgError {}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
