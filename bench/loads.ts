// What a fetched value costs inside a kernel loop on this adapter (shaders/bench/load_cost.wgsl),
// in nanoseconds per SIMD-8 step summed over the adapter's threads and in FMAs of the same
// loop: storage loads at a lane-uniform address, per lane, as vec4 per lane, and a subgroup
// shuffle where the adapter has subgroups. docs/kernels.md ("Writing for CPU adapters") rests on
// these figures; on lavapipe a storage load costs ~13 FMAs whatever its address and a shuffle
// about nothing, which is why matmul broadcasts A's rows over a subgroup.
import type { KernelSpec } from '../src/index.js';
import { type Bench, timeOurs } from './lib.js';

const WG = 64;
const WORKGROUPS = 512;
const ITERS = 4096;
const ELEMENTS = 1 << 20;
const KINDS = ['NONE', 'UNIFORM', 'LANE', 'VEC4', 'SUBGROUP'] as const;
type Kind = (typeof KINDS)[number];

function spec(kind: Kind, four: boolean): KernelSpec {
  const defines: Record<string, number | boolean> = { WG, FOUR: four };
  for (const k of KINDS) defines[k] = k === kind;
  return {
    name: `load_cost_${kind.toLowerCase()}_${four ? 4 : 1}`,
    shader: 'bench/load_cost.wgsl',
    defines,
    bindings: ['read', 'read', 'read_write'],
    uniforms: [{ name: 'iters', type: 'u32' }, { name: 'mask', type: 'u32' }],
  };
}

export const loadsBench: Bench = {
  name: 'loads',
  async run({ engine, record, log }) {
    const s = engine.tensor(new Float32Array(ELEMENTS).fill(0.5));
    const out = engine.empty([WORKGROUPS * WG]);
    const steps = (WORKGROUPS * WG * ITERS) / 8; // SIMD-8 steps of the loop
    const time = (kind: Kind, four: boolean) => timeOurs(engine, () => engine.launch({
      op: 'load_cost', kernel: spec(kind, four), uniforms: { iters: ITERS, mask: ELEMENTS - 1 }, buffers: [s, s, out],
      workgroups: { linear: WORKGROUPS }, cost: { flops: 32 * WORKGROUPS * WG * ITERS, bytes: 0 },
    }), 3);
    const ms = (t: { gpuMs: number | null; wallMs: number }) => t.gpuMs ?? t.wallMs;
    const base = await time('NONE', false);
    const fmaNs = (ms(base) * 1e6) / steps / 16;
    record({ bench: 'loads', case: 'loop of 16 FMAs', impl: 'diffrg', size: steps, ...base, reps: 3, flops: 32 * steps * 8, note: `${fmaNs.toFixed(3)} ns per SIMD-8 FMA` });
    for (const kind of KINDS.slice(1)) {
      if (kind === 'SUBGROUP' && !engine.features.subgroups) {
        log('loads: SUBGROUP skipped (no subgroups feature)');
        continue;
      }
      const one = await time(kind, false), four = await time(kind, true);
      const ns = ((ms(four) - ms(one)) * 1e6) / steps / 3;
      const what = kind === 'VEC4' ? 'vec4 (4 components)' : 'value';
      record({
        bench: 'loads', case: `4 fetches: ${kind.toLowerCase()}`, impl: 'diffrg', size: steps, ...four, reps: 3, flops: 32 * steps * 8,
        note: `${ns.toFixed(2)} ns per ${what} per SIMD-8 step = ${(ns / fmaNs).toFixed(1)} FMAs`,
      });
      log(`loads: ${kind.toLowerCase()}: ${ns.toFixed(2)} ns per ${what} per SIMD-8 step = ${(ns / fmaNs).toFixed(1)} FMAs`);
    }
    s.dispose();
    out.dispose();
  },
};
