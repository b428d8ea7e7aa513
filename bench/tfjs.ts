// @tensorflow/tfjs-backend-webgpu in Node, on the same Dawn adapter as our engine. tfjs looks
// for navigator.gpu and the GPUBufferUsage/GPUMapMode/... globals when its module loads, so
// this exposes Dawn's GPU object and `globals` on globalThis and only then imports it. Our
// engine was created before and holds its own reference to its GPU object.
import type * as TfCore from '@tensorflow/tfjs-core';
import { median } from './lib.js';

export interface TfContext {
  tf: typeof TfCore;
  adapter: string;
  /** Runs fn (returning tensors to dispose), returns GPU kernel ms (tf.time, timestamp queries) or null. */
  gpuTime(fn: () => TfCore.Tensor): Promise<number | null>;
  /** Runs fn and waits for the GPU to finish; returns wall ms. */
  wallTime(fn: () => TfCore.Tensor): Promise<number>;
}

// Dawn's GPU object must stay referenced while tfjs uses its device (WEBGPU.md).
let keepDawnAlive: unknown = null;

export async function createTf(): Promise<TfContext> {
  const dawn = (await import('webgpu')) as unknown as { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  const gpu = dawn.create([]);
  keepDawnAlive = gpu;
  const g = globalThis as Record<string, unknown>;
  if (!g.navigator) g.navigator = {};
  Object.defineProperty(g.navigator as object, 'gpu', { value: gpu, configurable: true });
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v;

  const tf = (await import('@tensorflow/tfjs-core')) as typeof TfCore;
  await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('WEBGPU_CPU_FORWARD', false); // small inputs would otherwise run on the CPU backend
  if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") failed');
  await tf.ready();
  const backend = tf.backend() as unknown as {
    device: GPUDevice;
    commandEncoder: GPUCommandEncoder | null;
    endComputePassEncoder(): void;
    submitQueue(): void;
    adapterInfo?: { vendor?: string; architecture?: string; description?: string };
  };
  const info = backend.adapterInfo;
  const finish = async () => {
    // What tfjs itself does before reading back: close its open pass, submit its encoder.
    if (backend.commandEncoder) {
      backend.endComputePassEncoder();
      backend.submitQueue();
    }
    await backend.device.queue.onSubmittedWorkDone();
  };
  return {
    tf,
    adapter: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' / '),
    async gpuTime(fn) {
      let out: TfCore.Tensor | null = null;
      const t = await tf.time(() => {
        out = fn();
      });
      await finish();
      (out as TfCore.Tensor | null)?.dispose();
      return t.kernelMs && typeof t.kernelMs === 'number' && t.kernelMs > 0 ? t.kernelMs : null;
    },
    async wallTime(fn) {
      await finish();
      const t0 = performance.now();
      const out = fn();
      await finish();
      const ms = performance.now() - t0;
      out.dispose();
      return ms;
    },
  };
}

export function tfAlive(): boolean {
  return keepDawnAlive !== null;
}

/** Times a tfjs op: warmup runs, then `reps` runs each of GPU time and wall time; medians. */
export async function timeTf(ctx: TfContext, fn: () => TfCore.Tensor, reps: number, warmup = 1): Promise<{ gpuMs: number | null; wallMs: number }> {
  for (let i = 0; i < warmup; i++) await ctx.wallTime(fn);
  const gpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < reps; i++) {
    const g = await ctx.gpuTime(fn);
    if (g !== null) gpu.push(g);
    wall.push(await ctx.wallTime(fn));
  }
  return { gpuMs: gpu.length === reps ? median(gpu) : null, wallMs: median(wall) };
}
