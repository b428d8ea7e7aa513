// Attainable FMA throughput of the adapter (shaders/bench/fma_peak.wgsl): the ceiling the
// matmul figures are compared with.
import type { KernelSpec } from '../src/index.js';
import { type Bench, timeOurs } from './lib.js';

const WG = 64;
const INVOCATIONS = 64 * 1024;

/** The FMA-peak kernel with `chains` vec4 chains per invocation (also used by tune-matmul.ts). */
export function fmaKernel(chains: number): KernelSpec {
  return {
    name: `fma_peak_x${chains}`,
    shader: 'bench/fma_peak.wgsl',
    defines: { WG, CHAINS: chains },
    bindings: ['read_write'],
    uniforms: [{ name: 'iters', type: 'u32' }, { name: 'seed', type: 'f32' }],
  };
}

/** Best GFLOP/s over the chain counts, set by the fma bench for the others to compare with. */
export const fmaPeak: { gflops: number | null } = { gflops: null };

export const fmaBench: Bench = {
  name: 'fma',
  async run({ engine, record, log }) {
    const out = engine.empty([INVOCATIONS]);
    let best = 0;
    // Chains in flight per invocation: too few leaves FMA latency exposed, too many spills.
    for (const chains of [4, 8, 16]) {
      // ~2.7 GFLOP per run: a few hundred ms on lavapipe, long enough to swamp launch overhead.
      const iters = Math.round(2 ** 31 / 16 / (INVOCATIONS * chains)) * 20;
      const flops = INVOCATIONS * iters * chains * 8;
      const t = await timeOurs(engine, () => engine.launch({
        op: 'fma_peak', kernel: fmaKernel(chains), uniforms: { iters, seed: 1 }, buffers: [out],
        workgroups: { linear: INVOCATIONS / WG }, cost: { flops, bytes: 4 * INVOCATIONS },
      }), 3);
      const m = record({ bench: 'fma', case: `fma peak, ${chains} vec4 chains`, impl: 'diffrg', size: INVOCATIONS, ...t, reps: 3, flops });
      best = Math.max(best, m.gflops ?? 0);
    }
    const check = await out.read();
    if (!check.every(Number.isFinite)) log('fma: warning: non-finite results');
    out.dispose();
    fmaPeak.gflops = best;
    log(`fma peak: ${best.toFixed(1)} GFLOP/s`);
  },
};
