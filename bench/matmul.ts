// f32 matmul GFLOP/s: our per-adapter choice, each forced variant, and tfjs-backend-webgpu,
// on the same adapter in the same process.
import { matmul, autotuneMatmul, matmulVariant, type MatmulVariant } from '../src/index.js';
import { type Bench, type Measurement, timeOurs, data } from './lib.js';
import { timeTf } from './tfjs.js';
import { fmaPeak } from './fma.js';

const SIZES = [256, 512, 1024, 2048];
// A run predicted (from the previous size, times 8) to take longer than this is skipped: it
// would blow the 5-minute budget on a 2-core software adapter.
const MAX_RUN_MS = 6000;

export const matmulBench: Bench = {
  name: 'matmul',
  async run(ctx) {
    const { engine, record, log } = ctx;
    const tune = await autotuneMatmul(engine);
    log(`autotuneMatmul at N=${tune.size}: register ${tune.ms.register.toFixed(1)} ms, tiled ${tune.ms.tiled.toFixed(1)} ms -> ${tune.variant}`);
    const chosen = matmulVariant(engine);
    const tf = await ctx.tf();
    const lastMs = new Map<string, number>();
    const skip = (impl: string) => (lastMs.get(impl) ?? 0) * 8 > MAX_RUN_MS;
    const results: Measurement[] = [];
    for (const n of SIZES) {
      const flops = 2 * n ** 3;
      // Medians of several runs: single lavapipe runs vary by 20-50% on a shared 2-core machine.
      const reps = n <= 512 ? 9 : 5;
      const ad = data(n * n, n), bd = data(n * n, n + 1);
      const a = engine.tensor(ad, [n, n]);
      const b = engine.tensor(bd, [n, n]);
      const impls: [string, MatmulVariant][] = [[`diffrg (${chosen})`, chosen]];
      for (const v of ['register', 'tiled'] as const) if (v !== chosen) impls.push([`diffrg:${v} (forced)`, v]);
      let ours: Measurement | undefined;
      for (const [impl, variant] of impls) {
        if (skip(impl)) {
          log(`matmul N=${n} ${impl}: skipped (last size took ${lastMs.get(impl)!.toFixed(0)} ms)`);
          continue;
        }
        const t = await timeOurs(engine, async () => (await matmul(a, b, { variant })).dispose(), reps);
        const m = record({ bench: 'matmul', case: `matmul f32 N=${n}`, impl, size: n, ...t, reps, flops });
        lastMs.set(impl, t.wallMs);
        if (variant === chosen) ours = m;
        results.push(m);
      }
      if (tf && !skip('tfjs-webgpu')) {
        const ta = tf.tf.tensor2d(ad, [n, n]), tb = tf.tf.tensor2d(bd, [n, n]);
        const t = await timeTf(tf, () => tf.tf.matMul(ta, tb), reps);
        ta.dispose();
        tb.dispose();
        lastMs.set('tfjs-webgpu', t.wallMs);
        const theirs = record({ bench: 'matmul', case: `matmul f32 N=${n}`, impl: 'tfjs-webgpu', size: n, ...t, reps, flops });
        if (ours?.gflops && theirs.gflops) {
          const ratio = ours.gflops / theirs.gflops;
          const wallRatio = theirs.wallMs / ours.wallMs;
          ours.note = `${ratio.toFixed(2)}x tfjs (gpu), ${wallRatio.toFixed(2)}x (wall)`;
        }
      }
      if (ours?.gflops && fmaPeak.gflops) {
        ours.note = `${ours.note ? ours.note + '; ' : ''}${((100 * ours.gflops) / fmaPeak.gflops).toFixed(0)}% of FMA peak`;
      }
      a.dispose();
      b.dispose();
    }
  },
};
