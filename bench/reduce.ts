// Full-sum bandwidth (4 bytes read per element) with src/ops/reduce.ts, which another part of
// the project provides; reported as missing if that module or its `sum` is absent.
import type { Tensor } from '../src/index.js';
import { type Bench, timeOurs } from './lib.js';
import { timeTf } from './tfjs.js';

const SIZES = [1 << 20, 1 << 22, 1 << 24];

type SumFn = (x: Tensor) => Promise<Tensor>;

export const reduceBench: Bench = {
  name: 'reduce',
  async run(ctx) {
    const { engine, record, log } = ctx;
    let sum: SumFn | undefined;
    try {
      // A variable specifier: the bench must still run (and type-check) while reduce.ts is absent.
      const spec = '../src/ops/reduce.js';
      const mod = (await import(/* @vite-ignore */ spec)) as { sum?: SumFn };
      sum = typeof mod.sum === 'function' ? mod.sum : undefined;
    } catch (e) {
      log(`reduce: src/ops/reduce.ts could not be loaded (${(e as Error).message.split('\n')[0]})`);
    }
    if (!sum) {
      log('reduce: MISSING: no sum in src/ops/reduce.ts; reduction bench skipped');
      record({ bench: 'reduce', case: 'sum', impl: 'diffrg', size: 0, gpuMs: null, wallMs: 0, reps: 0, note: 'missing: src/ops/reduce.ts has no sum' });
      return;
    }
    const tf = await ctx.tf();
    for (const n of SIZES) {
      const reps = 5;
      const xd = new Float32Array(n).map((_, i) => (i % 1000) * 1e-3);
      const x = engine.tensor(xd);
      const label = `sum ${n / (1 << 20)}M f32`;
      const ours = record({ bench: 'reduce', case: label, impl: 'diffrg', size: n, reps, ...(await timeOurs(engine, async () => (await sum!(x)).dispose(), reps)), bytes: 4 * n });
      x.dispose();
      if (tf) {
        const tx = tf.tf.tensor1d(xd);
        const theirs = record({ bench: 'reduce', case: label, impl: 'tfjs-webgpu', size: n, reps, ...(await timeTf(tf, () => tf.tf.sum(tx), reps)), bytes: 4 * n });
        tx.dispose();
        if (ours.gbps && theirs.gbps) ours.note = `${(ours.gbps / theirs.gbps).toFixed(2)}x tfjs`;
      }
    }
  },
};
