// GPU-resident tensors. Who creates a tensor disposes it (or lets an engine.scope do it).
import type { Engine } from './engine.js';
import { BYTES_PER_ELEMENT, f16BitsToF32, type DType } from './dtype.js';
import { DisposedError, fmtShape } from './errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export type ReadResult<D extends DType> = D extends 'i32' ? Int32Array : D extends 'u32' ? Uint32Array : Float32Array;

let nextId = 1;

export class Tensor<D extends DType = DType> {
  readonly id = nextId++;
  readonly size: number;
  /** Bytes the elements occupy (the underlying buffer may be larger: pool size classes). */
  readonly byteLength: number;
  private gpuBuffer: GPUBuffer | null;

  constructor(
    readonly engine: Engine,
    buffer: GPUBuffer,
    readonly shape: Shape,
    readonly dtype: D,
    /** False for wrapped external buffers: dispose() then leaves the buffer alone. */
    readonly owned: boolean,
  ) {
    this.gpuBuffer = buffer;
    this.size = numel(shape);
    this.byteLength = this.size * BYTES_PER_ELEMENT[dtype];
    engine.track(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get disposed(): boolean {
    return this.gpuBuffer === null;
  }

  /** The GPUBuffer holding the elements (row-major, tightly packed, from offset 0). */
  get buffer(): GPUBuffer {
    if (!this.gpuBuffer) throw new DisposedError('tensor', `tensor #${this.id} ${fmtShape(this.shape)} ${this.dtype} used after dispose()`);
    return this.gpuBuffer;
  }

  /** Binding covering exactly the elements, rounded up to 4 bytes. */
  binding(): { buffer: GPUBuffer; offset: number; size: number } {
    return { buffer: this.buffer, offset: 0, size: Math.max(4, Math.ceil(this.byteLength / 4) * 4) };
  }

  /** Copies the elements to the host: Float32Array for f32 and f16, Int32Array, Uint32Array. */
  async read(): Promise<ReadResult<D>> {
    const buf = this.buffer;
    const bytes = await this.engine.scheduler.read('read', buf, 0, Math.max(4, Math.ceil(this.byteLength / 4) * 4));
    if (this.dtype === 'f16') {
      const bits = new Uint16Array(bytes, 0, this.size);
      const out = new Float32Array(this.size);
      for (let i = 0; i < this.size; i++) out[i] = f16BitsToF32(bits[i]!);
      return out as ReadResult<D>;
    }
    if (this.dtype === 'i32') return new Int32Array(bytes, 0, this.size) as ReadResult<D>;
    if (this.dtype === 'u32') return new Uint32Array(bytes, 0, this.size) as ReadResult<D>;
    return new Float32Array(bytes, 0, this.size) as ReadResult<D>;
  }

  /** Reads a single-element tensor as a number. */
  async item(): Promise<number> {
    const a = await this.read();
    return a[0]!;
  }

  /** Returns the buffer to the engine's pool (owned tensors) and marks the tensor unusable. */
  dispose(): void {
    if (!this.gpuBuffer) return;
    if (this.owned) this.engine.pool.release(this.gpuBuffer);
    this.gpuBuffer = null;
    this.engine.untrack(this);
  }

  toString(): string {
    return `Tensor#${this.id}(${fmtShape(this.shape)}, ${this.dtype})`;
  }
}
