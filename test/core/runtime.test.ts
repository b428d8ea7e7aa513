// The engine itself: adapter report, tensors, pool, scopes, profiling, interop, limits, errors.
import { describe, expect, it } from 'vitest';
import { useEngine, isBrowser, requestAppDevice } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import {
  Engine, createEngine, add, exp, scale, clone, relu,
  CompileError, DeviceLostError, DisposedError, GPUReportedError, LimitError, ShapeError, DTypeError,
  type KernelSpec,
} from '../../src/index.js';

const engine = useEngine();

describe('device and adapter', () => {
  it('reports the adapter and the optional features it uses', () => {
    const e = engine();
    const a = e.adapter;
    expect(`${a.vendor}${a.description}${a.architecture}`.length).toBeGreaterThan(0);
    expect(['cpu', 'gpu']).toContain(a.kind);
    expect(typeof e.features.f16).toBe('boolean');
    expect(e.features.timestamps).toBe(e.device.features.has('timestamp-query'));
    // The test machines run software adapters: lavapipe under Node, SwiftShader in Chromium.
    console.info(`[adapter] ${isBrowser ? 'browser' : 'node'}: ${a.vendor} / ${a.architecture} / ${a.description} (${a.kind}); features ${JSON.stringify(e.features)}`);
  });
});

describe('tensors', () => {
  it('round-trips f32, i32, u32 from typed arrays and nested arrays', async () => {
    const e = engine();
    const f = e.tensor([[1.5, -2], [3, 4.25], [5, 6]]);
    expect(f.shape).toEqual([3, 2]);
    expect(Array.from(await f.read())).toEqual([1.5, -2, 3, 4.25, 5, 6]);
    const i = e.tensor(new Int32Array([-7, 0, 2 ** 31 - 1]));
    expect(Array.from(await i.read())).toEqual([-7, 0, 2 ** 31 - 1]);
    const u = e.tensor(new Uint32Array([0, 2 ** 32 - 1, 5]), [3, 1]);
    expect(u.shape).toEqual([3, 1]);
    expect(Array.from(await u.read())).toEqual([0, 2 ** 32 - 1, 5]);
    const s = e.tensor([42], []);
    expect(await s.item()).toBe(42);
    for (const t of [f, i, u, s]) t.dispose();
  });

  it('stores f16 where the adapter has shader-f16, and says so where it does not', async () => {
    const e = engine();
    if (e.features.f16) {
      const h = e.tensor([1, 0.5, -2.25, 65504, 1e-7, 3.14159], [6], 'f16');
      const back = await h.read();
      expect(Array.from(back.slice(0, 4))).toEqual([1, 0.5, -2.25, 65504]);
      expect(back[4]).toBeCloseTo(1.19e-7, 8); // subnormal half: 2 * 2^-24
      expect(Math.abs(back[5]! - 3.14159)).toBeLessThan(2 ** -10 * 2); // half ULP at 3.14 is 2^-10
      const doubled = await add(h, h);
      expect(Array.from((await doubled.read()).slice(0, 3))).toEqual([2, 1, -4.5]);
      h.dispose();
      doubled.dispose();
    } else {
      expect(() => e.tensor([1], [1], 'f16')).toThrow(DTypeError);
      expect(() => e.tensor([1], [1], 'f16')).toThrow(/shader-f16/);
    }
  });

  it('reads several tensors issued together in one submit', async () => {
    const e = engine();
    const ts = [1, 2, 3, 4].map((k) => e.tensor(new Float32Array(5).fill(k)));
    const before = e.scheduler.submitCount;
    const reads = await Promise.all(ts.map((t) => t.read()));
    expect(e.scheduler.submitCount - before).toBe(1);
    reads.forEach((r, k) => expect(Array.from(r)).toEqual(new Array(5).fill(k + 1)));
    ts.forEach((t) => t.dispose());
  });

  it('rejects bad shapes and data', () => {
    const e = engine();
    expect(() => e.tensor(new Float32Array(5), [2, 3])).toThrow(/tensor: shape \[2, 3\] holds 6 elements but 5 were given/);
    expect(() => e.tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => e.empty([2, -1])).toThrow(/non-negative integers/);
    expect(() => e.empty([2], 'f64' as 'f32')).toThrow(DTypeError);
  });

  it('throws DisposedError on use after dispose', async () => {
    const e = engine();
    const t = e.tensor([1, 2, 3]);
    t.dispose();
    await expect(t.read()).rejects.toThrow(DisposedError);
    await expect(exp(t)).rejects.toThrow(/used after dispose/);
    t.dispose(); // a second dispose is harmless
  });
});

describe('buffer pool and scopes', () => {
  it('reuses buffers of the same size class and returns live bytes to where they started', async () => {
    const e = engine();
    const start = e.memory();
    const x = e.tensor(randomF32(1000, 1));
    for (let i = 0; i < 5; i++) (await exp(x)).dispose();
    const mid = e.memory();
    expect(mid.reuses - start.reuses).toBeGreaterThanOrEqual(4);
    expect(mid.allocations - start.allocations).toBeLessThanOrEqual(2);
    x.dispose();
    const end = e.memory();
    expect(end.liveBytes).toBe(start.liveBytes);
    expect(end.peakBytes).toBeGreaterThanOrEqual(start.liveBytes + 2 * 4000);
  });

  it('scope frees intermediates and keeps what is returned', async () => {
    const e = engine();
    const live0 = e.liveTensors;
    const x = e.tensor(randomF32(64, 2));
    const { y, kept } = await e.scope(async () => {
      const a = await exp(x);
      const b = await scale(a, 2);
      const k = e.keep(await relu(b));
      const inner = await e.scope(async () => clone(b));
      return { y: await add(inner, a), kept: k };
    });
    expect(e.liveTensors).toBe(live0 + 3); // x, y, kept
    const want = Array.from(await x.read(), (v) => 3 * Math.exp(v));
    const got = await y.read();
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.abs(want[i]!)));
    for (const t of [x, y, kept]) t.dispose();
    expect(e.liveTensors).toBe(live0);
  });
});

describe('profiling', () => {
  it('reports every kernel run in a profile block, with GPU timestamps where available', async () => {
    const e = engine();
    const x = e.tensor(randomF32(1 << 16, 3));
    const { result, profile } = await e.profile(async () => {
      const a = await exp(x);
      const b = await add(a, x);
      const c = await add(b, x);
      a.dispose();
      b.dispose();
      return c;
    });
    result.dispose();
    x.dispose();
    const names = profile.kernels.map((k) => k.name).sort();
    expect(names).toEqual(['add', 'exp']);
    const addK = profile.kernels.find((k) => k.name === 'add')!;
    expect(addK.count).toBe(2);
    expect(addK.bytes).toBe(2 * 3 * 4 * (1 << 16));
    expect(addK.totalMs).toBeGreaterThan(0);
    expect(addK.gbps).toBeGreaterThan(0);
    expect(profile.method).toBe(e.features.timestamps ? 'timestamp-query' : 'wall-clock');
  });

  it('falls back to wall-clock timing without timestamp-query and says so', async () => {
    const e = await createEngine({ disableFeatures: { timestamps: true } });
    try {
      expect(e.features.timestamps).toBe(false);
      const x = e.tensor(randomF32(4096, 4));
      const { profile } = await e.profile(async () => (await exp(x)).dispose());
      x.dispose();
      expect(profile.method).toBe('wall-clock');
      expect(profile.note).toMatch(/timestamp-query/);
      expect(profile.kernels[0]!.name).toBe('exp');
      expect(profile.kernels[0]!.count).toBe(1);
    } finally {
      await e.dispose();
    }
  });
});

describe('interop with another WebGPU app', () => {
  it('plugs into an existing device, wraps its buffers zero-copy, and never destroys its device', async () => {
    const { device, keepAlive } = await requestAppDevice();
    const e = Engine.fromDevice(device);
    expect(e.ownsDevice).toBe(false);
    const usage = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
    const appBuffer = device.createBuffer({ size: 16, usage });
    device.queue.writeBuffer(appBuffer, 0, new Float32Array([1, 2, 3, 4]));
    const t = e.wrap(appBuffer, [4]);
    expect(t.buffer).toBe(appBuffer);
    const doubled = await scale(t, 2);
    // The app reads our result buffer directly.
    const out = device.createBuffer({ size: 16, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    e.flush();
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(doubled.buffer, 0, out, 0, 16);
    device.queue.submit([enc.finish()]);
    await out.mapAsync(1);
    expect(Array.from(new Float32Array(out.getMappedRange().slice(0)))).toEqual([2, 4, 6, 8]);
    out.unmap();
    t.dispose();
    doubled.dispose();
    await e.dispose();
    // Still usable by its owner after our engine is gone: wrapped buffer alive, device alive.
    device.queue.writeBuffer(appBuffer, 0, new Float32Array([9, 9, 9, 9]));
    const enc2 = device.createCommandEncoder();
    enc2.copyBufferToBuffer(appBuffer, 0, out, 0, 16);
    device.queue.submit([enc2.finish()]);
    await out.mapAsync(1);
    expect(Array.from(new Float32Array(out.getMappedRange().slice(0)))).toEqual([9, 9, 9, 9]);
    out.unmap();
    appBuffer.destroy();
    out.destroy();
    device.destroy();
    void keepAlive;
  });

  it('refuses to wrap a buffer that is too small or lacks STORAGE usage', () => {
    const e = engine();
    const small = e.device.createBuffer({ size: 8, usage: 0x80 });
    expect(() => e.wrap(small, [3])).toThrow(/wrap: shape \[3\] f32 needs 12 bytes but the buffer holds 8/);
    const noStorage = e.device.createBuffer({ size: 16, usage: 0x8 });
    expect(() => e.wrap(noStorage, [4])).toThrow(LimitError);
    small.destroy();
    noStorage.destroy();
  });
});

describe('limits', () => {
  it('splits elementwise work over buffers larger than the binding limit', async () => {
    // 4 KiB binding limit: 1000-element tensors need 4 ranges each.
    const e = await createEngine({ limits: { maxStorageBufferBindingSize: 1024 } });
    try {
      const ad = randomF32(1000, 5), bd = randomF32(1000, 6);
      const a = e.tensor(ad), b = e.tensor(bd);
      const before = e.scheduler.dispatchCount;
      const c = await add(a, b);
      expect(e.scheduler.dispatchCount - before).toBe(4);
      const got = await c.read();
      got.forEach((g, i) => expect(g).toBe(Math.fround(ad[i]! + bd[i]!)));
      const d = await exp(a);
      const gotExp = await d.read();
      gotExp.forEach((g, i) => expect(Math.abs(g - Math.exp(ad[i]!))).toBeLessThan(1e-6 * 8));
      // Broadcasting cannot be split by ranges: refused before dispatch, naming op and shapes.
      const row = e.tensor(new Float32Array(1));
      await expect(add(a, row)).rejects.toThrow(LimitError);
      await expect(add(a, row)).rejects.toThrow(/add: binding 1 of add is 4000 bytes \(shapes \[1000\], \[1\], \[1000\]\), over maxStorageBufferBindingSize = 1024/);
      for (const t of [a, b, c, d, row]) t.dispose();
    } finally {
      await e.dispose();
    }
  });

  it('folds dispatches over the per-dimension workgroup limit', async () => {
    const e = await createEngine({ limits: { maxComputeWorkgroupsPerDimension: 3 } });
    try {
      // Contiguous path: a workgroup takes 4 vec4s x 256 lanes = 4096 elements, so 50000
      // elements need 13 workgroups > 3: folded into 3 x 3 x 2 (the last 5 do nothing).
      const xd = randomF32(50000, 7);
      const x = e.tensor(xd);
      const y = await scale(x, 3);
      const got = await y.read();
      got.forEach((g, i) => expect(g).toBe(Math.fround(3 * xd[i]!)));
      // Broadcast path: 1 element per invocation, 5000 elements in 20 workgroups > 3*3: folded
      // into 3 x 3 x 3.
      const xs = xd.subarray(0, 5000);
      const z = await add(e.tensor(xs, [5000]), e.tensor([1], [1]));
      const gz = await z.read();
      gz.forEach((g, i) => expect(g).toBe(Math.fround(xs[i]! + 1)));
      x.dispose(); y.dispose(); z.dispose();
    } finally {
      await e.dispose();
    }
  });

  it('refuses a tensor over maxBufferSize', () => {
    const e = engine();
    const max = e.limits.maxBufferSize;
    expect(() => e.empty([Math.floor(max / 4) + 1024])).toThrow(LimitError);
    expect(() => e.empty([Math.floor(max / 4) + 1024])).toThrow(/maxBufferSize/);
  });
});

describe('errors from the GPU', () => {
  it('surfaces WGSL compile errors with the kernel name and the line', async () => {
    const e = engine();
    const bad: KernelSpec = {
      name: 'broken_kernel',
      shader: 'test/broken.wgsl',
      source: 'struct Params { n: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = undefined_thing;\n}\n',
      bindings: [],
      uniforms: [{ name: 'n', type: 'u32' }],
    };
    const err = await e.launch({ op: 'test', kernel: bad, uniforms: { n: 1 }, buffers: [], workgroups: [1, 1, 1], cost: { flops: 0, bytes: 0 } }).catch((x) => x);
    expect(err).toBeInstanceOf(CompileError);
    expect(String(err.message)).toMatch(/broken_kernel/);
    expect(String(err.message)).toMatch(/test\/broken\.wgsl:5:/);
    expect(String(err.message)).toMatch(/undefined_thing/);
    const missing: KernelSpec = { ...bad, source: 'fn f() -> ${T} {}', name: 'needs_define' };
    await expect(e.kernels.get(missing)).rejects.toThrow(/uses \$\{T\} but no such define was given/);
    const badInclude: KernelSpec = { ...bad, source: '#include "lib/nope.wgsl"\n', name: 'bad_include' };
    await expect(e.kernels.get(badInclude)).rejects.toThrow(/#include "lib\/nope.wgsl": no such file under shaders/);
  });

  it('reports device loss as DeviceLostError instead of hanging', async () => {
    const e = await createEngine();
    const x = e.tensor([1, 2, 3]);
    e.device.destroy(); // simulate loss (the engine did not ask for it)
    await new Promise((r) => setTimeout(r, 50));
    await expect(exp(x)).rejects.toThrow(DeviceLostError);
    await expect(x.read()).rejects.toThrow(/device lost/);
    await e.dispose();
    await expect(exp(x)).rejects.toThrow(DisposedError);
  });

  it('reports uncaptured GPU errors on the next sync', async () => {
    const e = await createEngine();
    try {
      // A validation error made behind the engine's back: MAP_READ cannot combine with STORAGE.
      e.device.createBuffer({ size: 16, usage: 0x1 | 0x80 });
      await new Promise((r) => setTimeout(r, 50));
      await expect(e.sync()).rejects.toThrow(GPUReportedError);
    } finally {
      await e.dispose();
    }
  });
});
