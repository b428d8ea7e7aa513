// Buffer pool by size class. Storage buffers are recycled instead of destroyed so that a loop
// of same-shaped ops allocates nothing after its first iteration.
import { BufferUsage } from './usage.js';
import { LimitError } from './errors.js';

export interface PoolStats {
  /** Bytes held by live tensors (by size class, i.e. what the GPU really holds for them). */
  liveBytes: number;
  /** Highest liveBytes since creation or the last resetPeak(). */
  peakBytes: number;
  /** Bytes sitting in free lists, ready for reuse. */
  freeBytes: number;
  liveBuffers: number;
  /** createBuffer calls made by the pool. */
  allocations: number;
  /** acquire() calls served from a free list. */
  reuses: number;
}

export const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;

/**
 * Size classes: 256 B, then powers of two and the midpoints between them (1, 1.5, 2, 3, 4, ...),
 * so at most a third of a buffer is slack.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const p = 2 ** Math.floor(Math.log2(bytes));
  if (bytes === p) return p;
  if (bytes <= p * 1.5) return p * 1.5;
  return p * 2;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private pendingDestroy: GPUBuffer[] = [];
  private readonly stats: PoolStats = {
    liveBytes: 0,
    peakBytes: 0,
    freeBytes: 0,
    liveBuffers: 0,
    allocations: 0,
    reuses: 0,
  };

  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
    /** Keep at most this many free bytes; beyond it released buffers are destroyed. */
    private readonly maxFreeBytes = 1 << 30,
  ) {}

  acquire(op: string, bytes: number): GPUBuffer {
    const size = sizeClass(Math.max(4, bytes));
    const exact = Math.ceil(Math.max(4, bytes) / 4) * 4;
    const list = this.free.get(size);
    let buffer = list?.pop();
    if (buffer) {
      this.stats.reuses++;
      this.stats.freeBytes -= size;
    } else {
      const allocSize = size <= this.maxBufferSize ? size : exact;
      if (allocSize > this.maxBufferSize) {
        throw new LimitError(
          op,
          `needs a buffer of ${bytes} bytes, over this device's maxBufferSize of ${this.maxBufferSize} bytes`,
        );
      }
      buffer = this.device.createBuffer({ size: allocSize, usage: STORAGE_USAGE, label: `diffrg:${op}` });
      this.stats.allocations++;
    }
    this.stats.liveBytes += buffer.size;
    this.stats.liveBuffers++;
    if (this.stats.liveBytes > this.stats.peakBytes) this.stats.peakBytes = this.stats.liveBytes;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.stats.liveBytes -= size;
    this.stats.liveBuffers--;
    if (sizeClass(size) !== size || this.stats.freeBytes + size > this.maxFreeBytes) {
      // Recorded but unsubmitted commands may still name it: destroy after the next submit.
      this.pendingDestroy.push(buffer);
      return;
    }
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.stats.freeBytes += size;
  }

  /** Called by the scheduler once everything recorded so far has been submitted. */
  afterSubmit(): void {
    for (const b of this.pendingDestroy) b.destroy();
    this.pendingDestroy = [];
  }

  /** Destroys every free buffer (live ones stay with their tensors). Call after a submit. */
  trim(): void {
    this.afterSubmit();
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
    this.stats.freeBytes = 0;
  }

  resetPeak(): void {
    this.stats.peakBytes = this.stats.liveBytes;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}
