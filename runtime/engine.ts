// The engine: one GPUDevice, its buffer pool, kernel cache and scheduler. Runs unchanged in
// Node (Dawn, npm `webgpu`) and in browsers (navigator.gpu); it asks for a GPU once and never
// branches on the environment again.
import { BufferPool, type PoolStats } from './pool.js';
import { KernelRegistry, type CompiledKernel, type KernelSpec } from './kernel.js';
import { Scheduler, type Cost, type Profile, type UniformValues, type BufferArg } from './scheduler.js';
import { Tensor, numel, type Shape } from './tensor.js';
import { BYTES_PER_ELEMENT, checkDType, dtypeOfArray, f32ToF16Bits, type AnyTypedArray, type DType } from './dtype.js';
import {
  DeviceLostError, DisposedError, DTypeError, GPUReportedError, LimitError, NoAdapterError, ShapeError, fmtShape,
} from './errors.js';
import { BufferUsage } from './usage.js';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** 'cpu' for software rasterisers (lavapipe/llvmpipe, SwiftShader, WARP), else 'gpu'. */
  kind: 'cpu' | 'gpu';
  /** Subgroup sizes the adapter reports (undefined where the runtime does not say). */
  subgroupMinSize?: number;
  subgroupMaxSize?: number;
}

export interface EngineFeatures {
  f16: boolean;
  subgroups: boolean;
  timestamps: boolean;
}

/** Limits the engine enforces (the device's, or lower ones asked for in EngineOptions.limits). */
export interface EngineLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  minStorageBufferOffsetAlignment: number;
  minUniformBufferOffsetAlignment: number;
}

export interface EngineOptions {
  /** A GPU object to use instead of navigator.gpu or Dawn's create(). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /** Turn optional features off even where the adapter has them (fallback testing). */
  disableFeatures?: Partial<Record<keyof EngineFeatures, boolean>>;
  /**
   * Lower limits than the device's (never higher): to budget memory, or to exercise the
   * splitting paths in tests without allocating gigabytes.
   */
  limits?: Partial<Pick<EngineLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxComputeWorkgroupsPerDimension'>>;
  /** Extra Dawn toggles passed to create() in Node. */
  dawnFlags?: string[];
}

export interface Launch {
  /** The user-facing operation, for errors and profiles (e.g. 'matmul'). */
  op: string;
  kernel: KernelSpec;
  uniforms: UniformValues;
  /** Tensors or raw bindings, in the kernel's binding order. */
  buffers: readonly (Tensor | GPUBuffer | BufferArg)[];
  workgroups: { linear: number } | [number, number, number];
  cost: Cost;
}

type NestedNumbers = number | readonly NestedNumbers[];

function describeAdapter(info: Partial<GPUAdapterInfo> | undefined, fallback: boolean): AdapterDescription {
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  const text = `${vendor} ${architecture} ${device} ${description}`.toLowerCase();
  const cpu = fallback || /llvmpipe|lavapipe|swiftshader|software|warp|microsoft basic/.test(text);
  const sizes = info as { subgroupMinSize?: number; subgroupMaxSize?: number } | undefined;
  return {
    vendor, architecture, device, description, kind: cpu ? 'cpu' : 'gpu',
    subgroupMinSize: sizes?.subgroupMinSize, subgroupMaxSize: sizes?.subgroupMaxSize,
  };
}

async function findGPU(options: EngineOptions): Promise<{ gpu: GPU; keepAlive: unknown }> {
  if (options.gpu) return { gpu: options.gpu, keepAlive: options.gpu };
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, keepAlive: nav.gpu };
  // Node: Dawn. The specifier is a variable so browser bundlers leave the import out.
  const dawnModule = 'webgpu';
  let mod: { create: (flags: string[]) => GPU };
  try {
    mod = (await import(/* @vite-ignore */ dawnModule)) as typeof mod;
  } catch (e) {
    throw new NoAdapterError('createEngine', `no navigator.gpu and the 'webgpu' package could not be loaded: ${(e as Error).message}`);
  }
  const gpu = mod.create(options.dawnFlags ?? []);
  // Dawn's GPU object must outlive the device, or the process crashes (WEBGPU.md).
  return { gpu, keepAlive: gpu };
}

export class Engine {
  readonly pool: BufferPool;
  readonly kernels: KernelRegistry;
  readonly scheduler: Scheduler;
  readonly adapter: AdapterDescription;
  readonly features: EngineFeatures;
  readonly limits: EngineLimits;
  /**
   * The subgroup size every dispatch gets, where the 'subgroups' feature is on and the adapter
   * reports one fixed size (min = max); else null. Kernels that rely on it (matmul's register
   * kernel) fall back without it.
   */
  readonly subgroupSize: number | null;
  private readonly scopes: Set<Tensor>[] = [];
  private readonly live = new Set<Tensor>();
  private disposedFlag = false;
  private lostInfo: DeviceLostError | null = null;
  /** Values that must stay referenced for the device's lifetime (Dawn's GPU object). */
  private readonly keepAlive: unknown;

  private constructor(
    readonly device: GPUDevice,
    adapter: AdapterDescription,
    /** True when the engine created the device and so destroys it on dispose(). */
    readonly ownsDevice: boolean,
    keepAlive: unknown,
    disabled: Partial<Record<keyof EngineFeatures, boolean>> = {},
    lower: EngineOptions['limits'] = {},
  ) {
    this.keepAlive = keepAlive;
    this.adapter = adapter;
    const d = device.limits;
    const lowered = (name: keyof NonNullable<EngineOptions['limits']>) => Math.min(d[name], lower[name] ?? Infinity);
    this.limits = {
      maxStorageBufferBindingSize: lowered('maxStorageBufferBindingSize'),
      maxBufferSize: lowered('maxBufferSize'),
      maxComputeWorkgroupsPerDimension: lowered('maxComputeWorkgroupsPerDimension'),
      maxComputeWorkgroupStorageSize: d.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: d.maxComputeInvocationsPerWorkgroup,
      minStorageBufferOffsetAlignment: d.minStorageBufferOffsetAlignment,
      minUniformBufferOffsetAlignment: d.minUniformBufferOffsetAlignment,
    };
    this.features = {
      f16: device.features.has('shader-f16') && !disabled.f16,
      subgroups: device.features.has('subgroups') && !disabled.subgroups,
      timestamps: device.features.has('timestamp-query') && !disabled.timestamps,
    };
    const { subgroupMinSize: sgMin, subgroupMaxSize: sgMax } = adapter;
    this.subgroupSize = this.features.subgroups && sgMin !== undefined && sgMin > 0 && sgMin === sgMax ? sgMin : null;
    this.pool = new BufferPool(device, this.limits.maxBufferSize);
    this.kernels = new KernelRegistry(device);
    this.scheduler = new Scheduler(device, this.pool, this.features.timestamps, this.limits);
    device.lost.then((info) => {
      if (this.disposedFlag && info.reason === 'destroyed') return;
      this.lostInfo = new DeviceLostError('device', info.reason, info.message || 'no message');
      this.scheduler.failure = this.lostInfo;
    });
    device.addEventListener?.('uncapturederror', (ev: Event) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      this.scheduler.failure ??= new GPUReportedError('gpu', `uncaptured ${err.constructor?.name ?? 'error'}: ${err.message}`);
    });
  }

  /** Finds a GPU (navigator.gpu in browsers, Dawn in Node), requests a device with the optional features it has. */
  static async create(options: EngineOptions = {}): Promise<Engine> {
    const { gpu, keepAlive } = await findGPU(options);
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
    if (!adapter) {
      throw new NoAdapterError(
        'createEngine',
        'requestAdapter() returned null: no WebGPU adapter. On a machine without a GPU run scripts/setup (installs Mesa lavapipe >= 24).',
      );
    }
    const disabled = options.disableFeatures ?? {};
    const wanted: [GPUFeatureName, keyof EngineFeatures][] = [
      ['shader-f16', 'f16'],
      ['subgroups' as GPUFeatureName, 'subgroups'],
      ['timestamp-query', 'timestamps'],
    ];
    const requiredFeatures = wanted.filter(([f, k]) => adapter.features.has(f) && !disabled[k]).map(([f]) => f);
    const lim = adapter.limits;
    const requiredLimits: Record<string, number> = {
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxBufferSize: lim.maxBufferSize,
      maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: lim.maxComputeWorkgroupSizeY,
      maxComputeWorkgroupSizeZ: lim.maxComputeWorkgroupSizeZ,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
    };
    const device = await adapter.requestDevice({ requiredFeatures, requiredLimits, label: 'diffrg' });
    const info = (adapter as { info?: GPUAdapterInfo }).info;
    const fallback = Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
    return new Engine(device, describeAdapter(info, fallback), true, keepAlive, disabled, options.limits);
  }

  /** Plugs into another WebGPU app's device. The engine never destroys a device it did not create. */
  static fromDevice(device: GPUDevice, options: Pick<EngineOptions, 'disableFeatures' | 'limits'> = {}): Engine {
    const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return new Engine(device, describeAdapter(info, false), false, null, options.disableFeatures, options.limits);
  }

  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** Throws if the engine was disposed or its device lost. */
  check(op: string): void {
    if (this.disposedFlag) throw new DisposedError(op, 'engine used after dispose()');
    if (this.lostInfo) throw new DeviceLostError(op, this.lostInfo.reason, this.lostInfo.message);
  }

  // ---- tensors -------------------------------------------------------------------------------

  /** @internal called by Tensor */
  track(t: Tensor): void {
    this.live.add(t);
    this.scopes[this.scopes.length - 1]?.add(t);
  }

  /** @internal called by Tensor */
  untrack(t: Tensor): void {
    this.live.delete(t);
  }

  get liveTensors(): number {
    return this.live.size;
  }

  /** Uninitialised tensor (contents are whatever the pool's buffer held). */
  empty<D extends DType = 'f32'>(shape: Shape, dtype: D = 'f32' as D, op = 'empty'): Tensor<D> {
    this.check(op);
    checkDType(op, dtype);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new ShapeError(op, `shape ${fmtShape(shape)} must hold non-negative integers`);
    }
    if (dtype === 'f16' && !this.features.f16) {
      throw new DTypeError(op, `f16 tensors need the 'shader-f16' feature, which this adapter (${this.adapter.description || this.adapter.vendor}) lacks`);
    }
    const bytes = numel(shape) * BYTES_PER_ELEMENT[dtype];
    const buffer = this.pool.acquire(op, Math.ceil(bytes / 4) * 4);
    return new Tensor(this, buffer, [...shape], dtype, true);
  }

  /** Uploads data: a TypedArray (with shape, default 1-D) or nested arrays (shape inferred). */
  tensor<D extends DType = 'f32'>(data: AnyTypedArray | NestedNumbers | readonly number[], shape?: Shape, dtype?: D): Tensor<D> {
    const op = 'tensor';
    let flat: AnyTypedArray | number[];
    let inferred: number[];
    if (ArrayBuffer.isView(data)) {
      flat = data as AnyTypedArray;
      inferred = [flat.length];
    } else {
      inferred = [];
      let probe: NestedNumbers = data as NestedNumbers;
      while (Array.isArray(probe)) {
        inferred.push(probe.length);
        probe = (probe as NestedNumbers[])[0] as NestedNumbers;
        if (probe === undefined) break;
      }
      flat = [];
      const walk = (v: NestedNumbers, depth: number): void => {
        if (depth === inferred.length) {
          if (typeof v !== 'number') throw new ShapeError(op, `ragged nested array: expected a number at depth ${depth}`);
          (flat as number[]).push(v);
          return;
        }
        if (!Array.isArray(v) || v.length !== inferred[depth]) {
          throw new ShapeError(op, `ragged nested array: expected length ${inferred[depth]} at depth ${depth}, got ${Array.isArray(v) ? v.length : typeof v}`);
        }
        for (const x of v as NestedNumbers[]) walk(x, depth + 1);
      };
      walk(data as NestedNumbers, 0);
    }
    const finalShape = shape ? [...shape] : inferred;
    if (numel(finalShape) !== flat.length) {
      throw new ShapeError(op, `shape ${fmtShape(finalShape)} holds ${numel(finalShape)} elements but ${flat.length} were given`);
    }
    const dt = (dtype ?? (ArrayBuffer.isView(data) ? dtypeOfArray(data as AnyTypedArray) : 'f32')) as D;
    const t = this.empty(finalShape, dt, op);
    this.upload(t, flat);
    return t;
  }

  /** Overwrites a tensor's elements from the host. */
  upload(t: Tensor, data: ArrayLike<number>): void {
    this.check('upload');
    if (data.length !== t.size) throw new ShapeError('upload', `${t} has ${t.size} elements, data has ${data.length}`);
    let view: ArrayBufferView;
    switch (t.dtype) {
      case 'f32': view = data instanceof Float32Array ? data : Float32Array.from(data); break;
      case 'i32': view = data instanceof Int32Array ? data : Int32Array.from(data); break;
      case 'u32': view = data instanceof Uint32Array ? data : Uint32Array.from(data); break;
      case 'f16': {
        const words = new Uint16Array(Math.ceil(t.size / 2) * 2);
        if (data instanceof Uint16Array) words.set(data);
        else for (let i = 0; i < t.size; i++) words[i] = f32ToF16Bits(data[i]!);
        view = words;
        break;
      }
    }
    if (view.byteLength % 4 !== 0) throw new Error('upload: internal: unaligned size');
    if (view.byteLength > 0) this.scheduler.write(t.buffer, 0, view);
  }

  /** Wraps an existing GPUBuffer (needs STORAGE usage; COPY_SRC to read it back). Zero-copy; dispose() leaves the buffer alone. */
  wrap<D extends DType = 'f32'>(buffer: GPUBuffer, shape: Shape, dtype: D = 'f32' as D): Tensor<D> {
    const op = 'wrap';
    this.check(op);
    checkDType(op, dtype);
    const bytes = numel(shape) * BYTES_PER_ELEMENT[dtype];
    if (bytes > buffer.size) {
      throw new ShapeError(op, `shape ${fmtShape(shape)} ${dtype} needs ${bytes} bytes but the buffer holds ${buffer.size}`);
    }
    if ((buffer.usage & BufferUsage.STORAGE) === 0) {
      throw new LimitError(op, `the buffer (usage 0x${buffer.usage.toString(16)}) lacks GPUBufferUsage.STORAGE, which kernels need`);
    }
    return new Tensor(this, buffer, [...shape], dtype, false);
  }

  // ---- running kernels -----------------------------------------------------------------------

  /** Compiles ahead of time so the first real call does not wait on the compiler. */
  async warmup(kernels: readonly KernelSpec[]): Promise<void> {
    await Promise.all(kernels.map((k) => this.kernels.get(k)));
  }

  /** Records one kernel launch; compiles on first use. Ops in src/ops are written with this. */
  async launch(l: Launch): Promise<void> {
    this.check(l.op);
    const compiled: CompiledKernel = this.kernels.peek(l.kernel) ?? (await this.kernels.get(l.kernel));
    this.check(l.op);
    const shapes: number[][] = [];
    const buffers = l.buffers.map((b) => {
      if (b instanceof Tensor) {
        if (b.engine !== this) throw new ShapeError(l.op, `${b} belongs to another engine`);
        shapes.push([...b.shape]);
        return b.binding();
      }
      return b;
    });
    this.scheduler.dispatch({ kernel: compiled, uniforms: l.uniforms, buffers, workgroups: l.workgroups, cost: l.cost, op: l.op, shapes });
    await this.scheduler.throttle();
  }

  /** Submits recorded work without waiting. */
  flush(): void {
    this.scheduler.submit();
  }

  /** Waits until the GPU has finished all submitted work; reports device loss and GPU errors. */
  async sync(): Promise<void> {
    this.check('sync');
    await this.scheduler.sync();
  }

  // ---- scopes, profiling, memory ---------------------------------------------------------------

  /**
   * Runs fn and disposes every tensor created inside it, except those in its result (tensors,
   * arrays or plain objects of them) and those passed to keep(). Scopes nest; do not interleave
   * two scopes concurrently on one engine.
   */
  async scope<T>(fn: () => T | Promise<T>): Promise<T> {
    const created = new Set<Tensor>();
    this.scopes.push(created);
    let result: T;
    try {
      result = await fn();
    } finally {
      this.scopes.splice(this.scopes.lastIndexOf(created), 1);
    }
    const kept = new Set<Tensor>();
    const collect = (v: unknown, depth: number): void => {
      if (depth > 8 || v === null || typeof v !== 'object') return;
      if (v instanceof Tensor) kept.add(v);
      else if (Array.isArray(v)) v.forEach((x) => collect(x, depth + 1));
      else if (v instanceof Map) v.forEach((x) => collect(x, depth + 1));
      else if (Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach((x) => collect(x, depth + 1));
    };
    collect(result, 0);
    for (const t of created) {
      if (kept.has(t) || this.keptTensors.has(t)) {
        this.scopes[this.scopes.length - 1]?.add(t);
      } else t.dispose();
    }
    return result;
  }

  private readonly keptTensors = new WeakSet<Tensor>();

  /** Exempts a tensor from disposal by the enclosing scopes. */
  keep<T extends Tensor>(t: T): T {
    this.keptTensors.add(t);
    return t;
  }

  /**
   * Times every kernel run inside fn. With 'timestamp-query' the GPU's own timestamps are used
   * per dispatch; without it each dispatch is submitted alone and timed to onSubmittedWorkDone.
   */
  async profile<T>(fn: () => T | Promise<T>): Promise<{ result: T; profile: Profile }> {
    this.check('profile');
    const t0 = performance.now();
    this.scheduler.beginProfile();
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      await this.scheduler.endProfile();
      throw e;
    }
    const timing = await this.scheduler.endProfile();
    const wallMs = performance.now() - t0;
    const totalMs = timing.kernels.reduce((s, k) => s + k.totalMs, 0);
    const profile: Profile = { method: timing.method, totalMs, wallMs, kernels: timing.kernels };
    if (timing.method === 'wall-clock') {
      profile.note = "the adapter lacks 'timestamp-query' (or it was disabled): kernel times are wall-clock per submit and include submit overhead";
    }
    return { result, profile };
  }

  /** Live, peak and pooled bytes of the buffer pool. */
  memory(): PoolStats & { liveTensors: number } {
    return { ...this.pool.snapshot(), liveTensors: this.live.size };
  }

  /** Frees every tensor, the pool and the kernels; destroys the device if the engine created it. */
  async dispose(): Promise<void> {
    if (this.disposedFlag) return;
    try {
      if (!this.lostInfo) await this.scheduler.sync().catch(() => {});
    } finally {
      this.disposedFlag = true;
      for (const t of [...this.live]) t.dispose();
      this.scheduler.destroy();
      this.pool.trim();
      if (this.ownsDevice) this.device.destroy();
      void this.keepAlive;
    }
  }
}

/** Finds a GPU and creates an engine on it: Dawn in Node, navigator.gpu in a browser. */
export function createEngine(options?: EngineOptions): Promise<Engine> {
  return Engine.create(options);
}
