// Streaming bandwidth: elementwise add (3 words moved per element) against a plain copy (2
// words per element, the 'copy' unary op behind clone), and tfjs add at the same sizes.
import { add, clone } from '../src/index.js';
import { type Bench, type Measurement, timeOurs } from './lib.js';
import { timeTf } from './tfjs.js';

const SIZES = [1 << 20, 1 << 22, 1 << 24];

export const elementwiseBench: Bench = {
  name: 'elementwise',
  async run(ctx) {
    const { engine, record } = ctx;
    const tf = await ctx.tf();
    for (const n of SIZES) {
      const reps = 5;
      const xd = new Float32Array(n).map((_, i) => (i % 1000) * 1e-3);
      const x = engine.tensor(xd), y = engine.tensor(xd);
      const label = `${n / (1 << 20)}M f32`;
      const copy = record({
        bench: 'elementwise', case: `copy ${label}`, impl: 'diffrg', size: n, reps,
        ...(await timeOurs(engine, async () => (await clone(x)).dispose(), reps)), bytes: 8 * n,
      });
      const sum: Measurement = record({
        bench: 'elementwise', case: `add ${label}`, impl: 'diffrg', size: n, reps,
        ...(await timeOurs(engine, async () => (await add(x, y)).dispose(), reps)), bytes: 12 * n,
      });
      if (sum.gbps && copy.gbps) sum.note = `add/copy = ${(sum.gbps / copy.gbps).toFixed(2)}`;
      x.dispose();
      y.dispose();
      if (tf) {
        const tx = tf.tf.tensor1d(xd), ty = tf.tf.tensor1d(xd);
        const t = await timeTf(tf, () => tf.tf.add(tx, ty), reps);
        const theirs = record({ bench: 'elementwise', case: `add ${label}`, impl: 'tfjs-webgpu', size: n, reps, ...t, bytes: 12 * n });
        if (sum.gbps && theirs.gbps) sum.note += `; ${(sum.gbps / theirs.gbps).toFixed(2)}x tfjs`;
        tx.dispose();
        ty.dispose();
      }
    }
  },
};
