// Shared pieces of the benchmarks: measurement records, timing of our kernels (GPU timestamps
// through engine.profile plus wall clock to completion) and the context each bench receives.
import type { Engine } from '../src/index.js';
import type { TfContext } from './tfjs.js';

export interface Measurement {
  bench: string;
  /** What was measured, e.g. 'matmul f32 N=1024'. */
  case: string;
  /** Whose implementation: 'diffrg', 'diffrg:register', 'tfjs-webgpu', ... */
  impl: string;
  /** Problem size (N for matmul, element count for streaming kernels). */
  size: number;
  /** Median GPU time per run from timestamp queries (null where the adapter has none). */
  gpuMs: number | null;
  /** Median wall-clock time per run, submit to completion. */
  wallMs: number;
  reps: number;
  flops?: number;
  bytes?: number;
  /** From gpuMs when available, else wallMs. */
  gflops?: number;
  gbps?: number;
  note?: string;
}

export interface BenchContext {
  engine: Engine;
  record(m: Omit<Measurement, 'gflops' | 'gbps'>): Measurement;
  /** tfjs-backend-webgpu on the same adapter, created on first use; null if it cannot start. */
  tf(): Promise<TfContext | null>;
  log(line: string): void;
}

export interface Bench {
  name: string;
  run(ctx: BenchContext): Promise<void>;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/**
 * Times fn (which launches work and disposes what it creates) on our engine: `warmup` untimed
 * runs (compilation, pool warm), then `reps` runs, each inside engine.profile, which gives the
 * kernels' GPU timestamps and the wall time until the GPU finished. Medians of both.
 */
export async function timeOurs(engine: Engine, fn: () => Promise<void>, reps: number, warmup = 1): Promise<{ gpuMs: number | null; wallMs: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  await engine.sync();
  const gpu: number[] = [];
  const wall: number[] = [];
  let timestamps = true;
  for (let i = 0; i < reps; i++) {
    const { profile } = await engine.profile(fn);
    gpu.push(profile.totalMs);
    wall.push(profile.wallMs);
    timestamps &&= profile.method === 'timestamp-query';
  }
  return { gpuMs: timestamps ? median(gpu) : null, wallMs: median(wall) };
}

export function rate(amount: number, ms: number | null | undefined): number | undefined {
  return ms && ms > 0 ? amount / (ms * 1e6) : undefined;
}

/** Deterministic inputs in [-0.5, 0.5) (a 32-bit LCG), the same in every bench. */
export function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}
