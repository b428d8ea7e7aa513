// One way to get an engine in both test projects: createEngine() finds navigator.gpu in
// Chromium and Dawn in Node.
import { afterAll, beforeAll } from 'vitest';
import { createEngine, type Engine } from '../../src/index.js';

/** Creates one engine for the file, disposes it after; checks that the file leaked no tensors. */
export function useEngine(): () => Engine {
  let engine: Engine | undefined;
  beforeAll(async () => {
    engine = await createEngine();
  });
  afterAll(async () => {
    if (!engine) return;
    const leaked = engine.liveTensors;
    await engine.dispose();
    if (leaked !== 0) throw new Error(`test file leaked ${leaked} live tensors`);
  });
  return () => {
    if (!engine) throw new Error('engine not created yet');
    return engine;
  };
}

export const isBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

/**
 * A device owned by "another WebGPU app": requested directly from navigator.gpu or Dawn, not
 * through the engine. Returns the device and a keep-alive reference (Dawn's GPU object).
 */
export async function requestAppDevice(): Promise<{ device: GPUDevice; keepAlive: unknown }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  let gpu: GPU;
  if (nav?.gpu) gpu = nav.gpu;
  else {
    const name = 'webgpu';
    const mod = (await import(/* @vite-ignore */ name)) as { create: (f: string[]) => GPU };
    gpu = mod.create([]);
  }
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no adapter');
  return { device: await adapter.requestDevice(), keepAlive: gpu };
}
