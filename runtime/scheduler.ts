// Records dispatches into one command encoder, packs their uniforms into one ring buffer
// (uploaded with a single writeBuffer per submit), submits as late as possible, reads back
// through pooled staging buffers, and times kernels when a profile is open.
import type { CompiledKernel } from './kernel.js';
import { BufferUsage, MapMode } from './usage.js';
import { LimitError, DeviceLostError, GPUReportedError, fmtShape } from './errors.js';
import type { BufferPool } from './pool.js';

export interface Cost {
  flops: number;
  bytes: number;
}

export interface BufferArg {
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

export type UniformValues = Record<string, number | ArrayLike<number>>;

export interface DispatchRequest {
  kernel: CompiledKernel;
  uniforms: UniformValues;
  buffers: readonly (GPUBuffer | BufferArg)[];
  /**
   * Workgroup counts. `linear` kernels index work as wid.x + wid.y*nwg.x + wid.z*nwg.x*nwg.y,
   * so the scheduler folds counts over the per-dimension limit into y and z.
   */
  workgroups: { linear: number } | [number, number, number];
  cost: Cost;
  /** For error messages: the op and its shapes. */
  op: string;
  shapes?: readonly (readonly number[])[];
}

export interface KernelProfile {
  name: string;
  count: number;
  totalMs: number;
  flops: number;
  bytes: number;
  gflops: number;
  gbps: number;
}

export interface Profile {
  /** 'timestamp-query': GPU timestamps per dispatch; 'wall-clock': each dispatch submitted alone and timed to onSubmittedWorkDone (includes submit overhead). */
  method: 'timestamp-query' | 'wall-clock';
  note?: string;
  totalMs: number;
  wallMs: number;
  kernels: KernelProfile[];
}

interface TimedDispatch {
  name: string;
  cost: Cost;
}

const UNIFORM_RING_BYTES = 1 << 20;
// Submitting every so many dispatches lets the GPU start while the host records more; 256 kept
// lavapipe busy in the demo without measurable submit overhead.
const DISPATCHES_PER_SUBMIT = 256;
// At most this many submits in flight before recording waits; bounds queued work and memory.
const MAX_SUBMITS_IN_FLIGHT = 8;
const QUERY_CAPACITY = 4096; // timestamps per query set (two per dispatch)

export class Scheduler {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniformRing: GPUBuffer;
  private readonly uniformData = new ArrayBuffer(UNIFORM_RING_BYTES);
  private readonly uniformU32 = new Uint32Array(this.uniformData);
  private readonly uniformI32 = new Int32Array(this.uniformData);
  private readonly uniformF32 = new Float32Array(this.uniformData);
  private uniformUsed = 0;
  private readonly uniformAlign: number;
  private recorded = 0;
  private inFlight: Promise<unknown>[] = [];
  private flushPromise: Promise<void> | null = null;
  private readonly staging = new Map<number, GPUBuffer[]>();

  // profiling state
  private profiling: 'timestamp-query' | 'wall-clock' | null = null;
  private querySet: GPUQuerySet | null = null;
  private queryUsed = 0;
  private timedInBatch: TimedDispatch[] = [];
  private timingReads: Promise<void>[] = [];
  private lastDoneAt = 0;
  private readonly timings = new Map<string, { count: number; ms: number; flops: number; bytes: number }>();

  /** Set by the engine when the device is lost or reported an error. */
  failure: Error | null = null;
  dispatchCount = 0;
  submitCount = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    readonly hasTimestamps: boolean,
    private readonly limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupsPerDimension' | 'maxStorageBufferBindingSize' | 'minUniformBufferOffsetAlignment'>,
  ) {
    this.uniformAlign = Math.max(256, limits.minUniformBufferOffsetAlignment);
    this.uniformRing = device.createBuffer({
      size: UNIFORM_RING_BYTES,
      usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST,
      label: 'diffrg:uniform-ring',
    });
  }

  private checkAlive(op: string): void {
    if (this.failure) {
      if (this.failure instanceof DeviceLostError) throw new DeviceLostError(op, this.failure.reason, this.failure.message);
      throw this.failure;
    }
  }

  private getEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'diffrg' });
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  private foldWorkgroups(req: DispatchRequest): [number, number, number] {
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    const where = `${req.op}${req.shapes ? ' ' + req.shapes.map(fmtShape).join(' x ') : ''}`;
    if (Array.isArray(req.workgroups)) {
      const wg = req.workgroups as [number, number, number];
      if (wg.some((n) => n > max)) {
        throw new LimitError(req.op, `dispatch of ${fmtShape(wg)} workgroups for ${where} exceeds maxComputeWorkgroupsPerDimension = ${max}`);
      }
      return wg;
    }
    const n = (req.workgroups as { linear: number }).linear;
    if (n <= max) return [Math.max(1, n), 1, 1];
    const y = Math.ceil(n / max);
    if (y <= max) return [max, y, 1];
    const z = Math.ceil(y / max);
    if (z > max) throw new LimitError(req.op, `${n} workgroups for ${where} exceed ${max}^3`);
    return [max, max, z];
  }

  private packUniforms(kernel: CompiledKernel, values: UniformValues, op: string): number {
    const size = kernel.uniformSize;
    if (this.uniformUsed + size > UNIFORM_RING_BYTES) this.submit();
    const base = this.uniformUsed;
    // Zero the slot so unset padding and unused array tails are deterministic.
    this.uniformU32.fill(0, base / 4, (base + size) / 4);
    for (const field of kernel.spec.uniforms) {
      const v = values[field.name];
      if (v === undefined) throw new Error(`${op}: internal: uniform '${field.name}' of ${kernel.spec.name} not set`);
      const off = (base + kernel.uniformOffsets.get(field.name)!) / 4;
      const arr = typeof v === 'number' ? [v] : v;
      if (field.length !== undefined && arr.length > field.length) {
        throw new Error(`${op}: internal: uniform '${field.name}' has ${arr.length} values, room for ${field.length}`);
      }
      const view = field.type === 'u32' ? this.uniformU32 : field.type === 'i32' ? this.uniformI32 : this.uniformF32;
      for (let i = 0; i < arr.length; i++) view[off + i] = arr[i]!;
    }
    this.uniformUsed = base + Math.ceil(size / this.uniformAlign) * this.uniformAlign;
    return base;
  }

  /** Records one dispatch. Throws LimitError before recording anything the device would reject. */
  dispatch(req: DispatchRequest): void {
    this.checkAlive(req.op);
    const { kernel } = req;
    const maxBinding = this.limits.maxStorageBufferBindingSize;
    const entries: GPUBindGroupEntry[] = [];
    req.buffers.forEach((b, i) => {
      const arg: BufferArg = 'buffer' in b ? b : { buffer: b };
      const size = arg.size ?? arg.buffer.size - (arg.offset ?? 0);
      if (size > maxBinding) {
        throw new LimitError(
          req.op,
          `binding ${i + 1} of ${kernel.spec.name} is ${size} bytes${req.shapes ? ` (shapes ${req.shapes.map(fmtShape).join(', ')})` : ''}, over maxStorageBufferBindingSize = ${maxBinding}`,
        );
      }
      entries.push({ binding: i + 1, resource: { buffer: arg.buffer, offset: arg.offset ?? 0, size } });
    });
    const wg = this.foldWorkgroups(req);
    const uniformOffset = this.packUniforms(kernel, req.uniforms, req.op);
    entries.unshift({ binding: 0, resource: { buffer: this.uniformRing, offset: 0, size: kernel.uniformSize } });
    const bindGroup = this.device.createBindGroup({ layout: kernel.layout, entries });

    const encoder = this.getEncoder();
    if (this.profiling === 'timestamp-query') {
      this.endPass();
      if (!this.querySet || this.queryUsed + 2 > QUERY_CAPACITY) {
        if (this.querySet) this.submit();
        this.querySet ??= this.device.createQuerySet({ type: 'timestamp', count: QUERY_CAPACITY });
      }
      const pass = encoder.beginComputePass({
        timestampWrites: { querySet: this.querySet!, beginningOfPassWriteIndex: this.queryUsed, endOfPassWriteIndex: this.queryUsed + 1 },
      });
      this.queryUsed += 2;
      this.timedInBatch.push({ name: kernel.spec.name, cost: req.cost });
      pass.setPipeline(kernel.pipeline);
      pass.setBindGroup(0, bindGroup, [uniformOffset]);
      pass.dispatchWorkgroups(wg[0], wg[1], wg[2]);
      pass.end();
    } else {
      this.pass ??= encoder.beginComputePass();
      this.pass.setPipeline(kernel.pipeline);
      this.pass.setBindGroup(0, bindGroup, [uniformOffset]);
      this.pass.dispatchWorkgroups(wg[0], wg[1], wg[2]);
    }
    this.recorded++;
    this.dispatchCount++;
    if (this.profiling === 'wall-clock') {
      this.timedInBatch.push({ name: kernel.spec.name, cost: req.cost });
      this.submit();
    } else if (this.recorded >= DISPATCHES_PER_SUBMIT) {
      this.submit();
    }
  }

  /** Records a buffer-to-buffer copy (sizes in bytes, multiples of 4). */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void {
    this.checkAlive('copy');
    this.endPass();
    this.getEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
  }

  /** Writes host data into a buffer in queue order after everything recorded so far. */
  write(buffer: GPUBuffer, offset: number, data: ArrayBufferView): void {
    this.checkAlive('write');
    // queue.writeBuffer runs before any later submit; submit recorded work first so it sees old contents.
    if (this.recorded > 0 || this.encoder) this.submit();
    this.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, data.byteLength);
  }

  /** Submits everything recorded so far. */
  submit(): void {
    if (!this.encoder && this.uniformUsed === 0) return;
    this.endPass();
    const encoder = this.getEncoder();
    let timing: { buf: GPUBuffer; dispatches: TimedDispatch[]; resolve: GPUBuffer } | null = null;
    if (this.profiling === 'timestamp-query' && this.queryUsed > 0 && this.querySet) {
      const bytes = this.queryUsed * 8;
      const resolve = this.device.createBuffer({ size: bytes, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC });
      const read = this.device.createBuffer({ size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
      encoder.resolveQuerySet(this.querySet, 0, this.queryUsed, resolve, 0);
      encoder.copyBufferToBuffer(resolve, 0, read, 0, bytes);
      timing = { buf: read, dispatches: this.timedInBatch, resolve };
      this.queryUsed = 0;
      this.timedInBatch = [];
    }
    if (this.uniformUsed > 0) {
      this.device.queue.writeBuffer(this.uniformRing, 0, this.uniformData, 0, this.uniformUsed);
    }
    this.device.queue.submit([encoder.finish()]);
    this.encoder = null;
    this.uniformUsed = 0;
    this.recorded = 0;
    this.submitCount++;
    this.pool.afterSubmit();
    const done = this.device.queue.onSubmittedWorkDone();
    if (timing) {
      timing.resolve.destroy(); // submitted work keeps it alive until done
      this.timingReads.push(this.collectTimestamps(timing.buf, timing.dispatches));
    }
    if (this.profiling === 'wall-clock' && this.timedInBatch.length > 0) {
      const submittedAt = performance.now();
      const dispatches = this.timedInBatch;
      this.timedInBatch = [];
      this.timingReads.push(
        done.then(() => {
          // Submits complete in order: this one's GPU time starts when the previous one ended.
          const now = performance.now();
          const ms = now - Math.max(submittedAt, this.lastDoneAt);
          this.lastDoneAt = now;
          for (const d of dispatches) this.addTiming(d, ms / dispatches.length);
        }),
      );
    }
    this.inFlight.push(done);
    void done.then(() => {
      const i = this.inFlight.indexOf(done);
      if (i >= 0) this.inFlight.splice(i, 1);
    });
  }

  /** Waits until at most MAX_SUBMITS_IN_FLIGHT submits are pending. Ops call this between steps of long loops. */
  async throttle(): Promise<void> {
    while (this.inFlight.length >= MAX_SUBMITS_IN_FLIGHT) await this.inFlight[0];
  }

  private addTiming(d: TimedDispatch, ms: number): void {
    let t = this.timings.get(d.name);
    if (!t) this.timings.set(d.name, (t = { count: 0, ms: 0, flops: 0, bytes: 0 }));
    t.count++;
    t.ms += ms;
    t.flops += d.cost.flops;
    t.bytes += d.cost.bytes;
  }

  private async collectTimestamps(buf: GPUBuffer, dispatches: TimedDispatch[]): Promise<void> {
    await buf.mapAsync(MapMode.READ);
    const ts = new BigInt64Array(buf.getMappedRange().slice(0));
    buf.unmap();
    buf.destroy();
    dispatches.forEach((d, i) => {
      const ns = Number(ts[2 * i + 1]! - ts[2 * i]!);
      this.addTiming(d, Math.max(0, ns) / 1e6);
    });
  }

  /** Submits now and resolves when the GPU has finished everything submitted. */
  async sync(): Promise<void> {
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
    this.inFlight = [];
    this.checkAlive('sync');
  }

  /** Submits at the end of the current tick, so reads issued together share one submit. */
  private flushSoon(): Promise<void> {
    this.flushPromise ??= new Promise<void>((resolve) => {
      queueMicrotask(() => {
        this.flushPromise = null;
        this.submit();
        resolve();
      });
    });
    return this.flushPromise;
  }

  private acquireStaging(size: number): GPUBuffer {
    const list = this.staging.get(size);
    return list?.pop() ?? this.device.createBuffer({ size, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'diffrg:staging' });
  }

  private releaseStaging(buf: GPUBuffer): void {
    let list = this.staging.get(buf.size);
    if (!list) this.staging.set(buf.size, (list = []));
    if (list.length < 4) list.push(buf);
    else buf.destroy();
  }

  /** Copies `size` bytes of `src` to the host. Reads issued together share one submit. */
  async read(op: string, src: GPUBuffer, offset: number, size: number): Promise<ArrayBuffer> {
    this.checkAlive(op);
    const padded = Math.ceil(size / 4) * 4;
    const stagingSize = Math.max(256, 2 ** Math.ceil(Math.log2(padded)));
    const staging = this.acquireStaging(stagingSize);
    this.copy(src, offset, staging, 0, padded);
    await this.flushSoon(); // mapAsync may only follow the submit that fills the staging buffer
    try {
      await staging.mapAsync(MapMode.READ, 0, padded);
    } catch (e) {
      this.checkAlive(op);
      throw new GPUReportedError(op, `reading back ${size} bytes failed: ${(e as Error).message}`);
    }
    const out = staging.getMappedRange(0, padded).slice(0, size);
    staging.unmap();
    this.releaseStaging(staging);
    this.checkAlive(op);
    return out;
  }

  beginProfile(): void {
    this.submit();
    this.profiling = this.hasTimestamps ? 'timestamp-query' : 'wall-clock';
    this.timings.clear();
    this.timingReads = [];
  }

  async endProfile(): Promise<{ method: Profile['method']; kernels: KernelProfile[] }> {
    const method = this.profiling ?? 'wall-clock';
    this.submit();
    this.profiling = null;
    await this.device.queue.onSubmittedWorkDone();
    await Promise.all(this.timingReads);
    this.timingReads = [];
    this.querySet?.destroy();
    this.querySet = null;
    const kernels = [...this.timings.entries()].map(([name, t]) => ({
      name,
      count: t.count,
      totalMs: t.ms,
      flops: t.flops,
      bytes: t.bytes,
      gflops: t.ms > 0 ? t.flops / (t.ms * 1e6) : 0,
      gbps: t.ms > 0 ? t.bytes / (t.ms * 1e6) : 0,
    }));
    kernels.sort((a, b) => b.totalMs - a.totalMs);
    return { method, kernels };
  }

  destroy(): void {
    this.encoder = null;
    this.pass = null;
    this.uniformRing.destroy();
    for (const list of this.staging.values()) for (const b of list) b.destroy();
    this.staging.clear();
    this.querySet?.destroy();
  }
}
