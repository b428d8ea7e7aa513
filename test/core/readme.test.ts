// The README's API example, run as written (imports from src instead of the package name).
import { describe, expect, it } from 'vitest';
import { createEngine, matmul, expm, eigh, sum, einsum } from '../../src/index.js';

describe('README example', () => {
  it('runs and frees everything it made', async () => {
    const engine = await createEngine();
    let out: [Float32Array, number, Float32Array] | undefined;
    await engine.scope(async () => {
      const a = engine.tensor([[1, 2], [3, 4]]);
      const e = await expm(a);
      const { values } = await eigh(await matmul(a, a, { transB: true }));
      const t = await einsum('ij,jk,kl->il', a, a, a);
      out = [(await values.read()) as Float32Array, await (await sum(e)).item(), (await t.read()) as Float32Array];
    });
    expect(engine.liveTensors).toBe(0);
    const [vals, s, cube] = out!;
    // A A^T = [[5, 11], [11, 25]]: eigenvalues 15 -+ sqrt(221)
    expect(vals[0]).toBeCloseTo(15 - Math.sqrt(221), 4);
    expect(vals[1]).toBeCloseTo(15 + Math.sqrt(221), 3);
    // exp([[1,2],[3,4]]) entries sum: 51.9690 + 74.7366 + 112.1048 + 164.0738
    expect(Math.abs(s / 402.8842 - 1)).toBeLessThan(1e-4);
    expect(Array.from(cube)).toEqual([37, 54, 81, 118]);
    await engine.dispose();
  });
});
