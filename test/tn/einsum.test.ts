import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { randomF32 } from '../helpers/random.js';
import { U32, firstMismatch } from '../helpers/tolerance.js';
import { einsumRef } from '../reference/einsum.js';
import { CORPUS } from './corpus.js';
import { einsum, einsumPlan, einsumPath, einsumStats, plannerStats, ShapeError, ValueError, LimitError, type Tensor, type EinsumOptions } from '../../src/index.js';

const engine = useEngine();

// Error bound (first order, Higham 3.1): each step is a sum of K_s rounded products, so it adds
// K_s * u relative to the absolute-value contraction; the product with the next step adds one
// more rounding; slices accumulated in the output add one rounding each. So
//   |got - exact| <= (sum_s K_s + steps + slices) * u * einsum(|A|, |B|, ...).
function depthOf(equation: string, shapes: number[][], options: EinsumOptions, slices = 1): number {
  const info = einsumPath(equation, shapes, { path: options.path ?? 'auto' });
  return info.steps.reduce((d, s) => d + s.contractionLength + 1, 0) + slices;
}

async function check(equation: string, shapes: number[][], options: EinsumOptions = {}, seed = 1, slices = 1) {
  const e = engine();
  const data = shapes.map((s, i) => randomF32(s.reduce((x, y) => x * y, 1), seed + i));
  const ts = data.map((d, i) => e.tensor(d, shapes[i]));
  let out: Tensor | undefined;
  try {
    out = await einsum(equation, ...ts, options);
    const ops = data.map((d, i) => ({ data: d, shape: shapes[i]! }));
    const want = einsumRef(equation, ops);
    const absw = einsumRef(equation, ops, true);
    expect(out.shape).toEqual(want.shape);
    const got = await out.read();
    const depth = depthOf(equation, shapes, options, slices);
    const bad = firstMismatch(got, want.data, (i) => depth * U32 * absw.data[i]! + 1e-30);
    expect(bad, `${equation} ${JSON.stringify(shapes)} ${JSON.stringify(options)}`).toBeNull();
  } finally {
    out?.dispose();
    ts.forEach((t) => t.dispose());
  }
}

describe('einsum corpus', () => {
  it(`has at least 40 equations (${CORPUS.length})`, () => expect(CORPUS.length).toBeGreaterThanOrEqual(40));
  for (const [eq, shapes] of CORPUS) {
    it(`${eq} ${JSON.stringify(shapes)}`, async () => {
      await check(eq, shapes);
    });
  }
});

describe('path strategies agree', () => {
  const multi = CORPUS.filter(([eq]) => eq.split('->')[0]!.split(',').length >= 3);
  for (const [eq, shapes] of multi) {
    it(`${eq}: greedy, optimal, dp, direct kernel only`, async () => {
      await check(eq, shapes, { path: 'greedy' }, 7);
      await check(eq, shapes, { path: 'optimal' }, 7);
      await check(eq, shapes, { path: 'dp' }, 7);
      await check(eq, shapes, { path: 'greedy', gemm: false }, 7);
    });
  }
  it('a user path', async () => {
    await check('ab,bc,cd->ad', [[5, 7], [7, 11], [11, 3]], { path: [[1, 2], [0, 1]] });
    await check('ab,bc,cd->ad', [[5, 7], [7, 11], [11, 3]], { path: [[0, 2], [0, 1]] });
  });
});

describe('einsum execution paths', () => {
  it('runs GEMM-sized steps on the strided GEMM and small ones on the direct kernel', async () => {
    const g0 = einsumStats.gemmSteps;
    // j,k merge into one contracted stride in both operands: one GEMM with strided loads
    await check('jki,bjk->bik', [[24, 16, 33], [9, 24, 16]]);
    expect(einsumStats.gemmSteps).toBeGreaterThan(g0);
    const d0 = einsumStats.directSteps;
    await check('ii->i', [[13, 13]]);
    expect(einsumStats.directSteps).toBeGreaterThan(d0);
  });
  it('non-mergeable free indices go to the batch table (output order interleaves A and B)', async () => {
    const g0 = einsumStats.gemmSteps;
    await check('ijk,kl->jli', [[9, 10, 12], [12, 11]]);
    expect(einsumStats.gemmSteps).toBeGreaterThan(g0);
  });
  it('contracted indices in different orders: the operand is permuted for the GEMM when that pays', async () => {
    // 'abcd,dcbe->ae': b,c,d are one stride in each operand but in opposite orders. The product
    // (67 x 131 x 105 = 922k multiply-adds, 131 columns) is over the thresholds and does 67
    // multiply-adds per element of B moved, so B is permuted to [b, c, d, e] and the GEMM runs.
    let p0 = einsumStats.permutedGemmSteps;
    await check('abcd,dcbe->ae', [[67, 7, 5, 3], [3, 5, 7, 131]]);
    expect(einsumStats.permutedGemmSteps).toBe(p0 + 1);
    // The cheaper move is A here (A has 35 x 105 elements, B 105 x 257).
    p0 = einsumStats.permutedGemmSteps;
    await check('abcd,dcbe->ae', [[35, 7, 5, 3], [3, 5, 7, 257]], {}, 5);
    expect(einsumStats.permutedGemmSteps).toBe(p0 + 1);
    // Neither operand holds b,c as one stride (x and z sit between them): both are permuted.
    p0 = einsumStats.permutedGemmSteps;
    await check('bxc,czb->xz', [[13, 97, 11], [11, 149, 13]], {}, 9);
    expect(einsumStats.permutedGemmSteps).toBe(p0 + 1);
    // With a batch index and free indices that do not merge in the output.
    p0 = einsumStats.permutedGemmSteps;
    await check('qabcd,dcbqe->eqa', [[3, 37, 5, 7, 2], [2, 7, 5, 3, 139]], {}, 13);
    expect(einsumStats.permutedGemmSteps).toBe(p0 + 1);
    // Narrow (41 columns): the GEMM fits its workgroup to the columns, so the permute pays too.
    p0 = einsumStats.permutedGemmSteps;
    await check('abcd,dcbe->ae', [[67, 7, 5, 3], [3, 5, 7, 41]]);
    expect(einsumStats.permutedGemmSteps).toBe(p0 + 1);
    // Tiny (2970 multiply-adds): the direct kernel, no permute.
    p0 = einsumStats.permutedGemmSteps;
    const d0 = einsumStats.directSteps;
    await check('abcd,dcbe->ae', [[9, 2, 3, 5], [5, 3, 2, 11]]);
    expect(einsumStats.permutedGemmSteps).toBe(p0);
    expect(einsumStats.directSteps).toBe(d0 + 1);
  });
  it('tall-and-narrow steps run as C^T = B^T A^T (swapped strides, no copies)', async () => {
    // 257 rows (a), 5 columns (c), 61 summed (b); A is read with unit row stride, so as C^T the
    // 257 side spreads over the workgroup's invocations (gemmStrided's registerLaunch).
    let s0 = einsumStats.swappedGemmSteps;
    let g0 = einsumStats.gemmSteps;
    await check('ba,bc->ac', [[61, 257], [61, 5]]);
    expect(einsumStats.gemmSteps).toBe(g0 + 1);
    expect(einsumStats.swappedGemmSteps).toBe(s0 + 1);
    // A ring step, 'abi,hal->bihl': a summed (13), rows b,i (69), columns h,l (10, not one
    // stride in B: l goes to the batch table); B's columns are strided, A^T's are unit stride.
    s0 = einsumStats.swappedGemmSteps;
    await check('abi,hal->bihl', [[13, 23, 3], [5, 13, 2]], {}, 3);
    expect(einsumStats.swappedGemmSteps).toBe(s0 + 1);
    // Few columns (6, as the thin end of a matrix chain): the GEMM, no longer the direct kernel.
    g0 = einsumStats.gemmSteps;
    await check('ab,bg->ag', [[301, 163], [163, 6]], {}, 5);
    expect(einsumStats.gemmSteps).toBe(g0 + 1);
    // Matrix-vector (one column) stays on the direct kernel.
    const d0 = einsumStats.directSteps;
    await check('ab,bg->ag', [[301, 163], [163, 1]], {}, 5);
    expect(einsumStats.directSteps).toBe(d0 + 1);
  });
  it('diagonals: read in place by the GEMM, or the direct kernel when the operand to move is one', async () => {
    // 'aabcd': A's diagonal is a stride the GEMM reads in place; B is the operand moved.
    let p0 = einsumStats.permutedGemmSteps;
    await check('aabcd,dcbe->ae', [[67, 67, 7, 5, 3], [3, 5, 7, 131]]);
    expect(einsumStats.permutedGemmSteps).toBe(p0 + 1);
    // 'abcdd': d's diagonal breaks the contracted group in A, so A would be the one to move, and
    // permute cannot move a diagonal: the direct kernel runs.
    p0 = einsumStats.permutedGemmSteps;
    const d0 = einsumStats.directSteps;
    await check('abcdd,dcbe->ae', [[67, 7, 5, 3, 3], [3, 5, 7, 131]]);
    expect(einsumStats.permutedGemmSteps).toBe(p0);
    expect(einsumStats.directSteps).toBe(d0 + 1);
  });
  it('long sums with few outputs split in two passes', async () => {
    const s0 = einsumStats.splitKSteps;
    await check('ij,ij->', [[300, 301], [300, 301]]);
    await check('i,i->', [[70001], [70001]]);
    expect(einsumStats.splitKSteps).toBeGreaterThan(s0);
  });
  it('pure full reductions use the tree reduction', async () => {
    const r0 = einsumStats.reduceSteps;
    await check('ijk->', [[17, 31, 29]]);
    expect(einsumStats.reduceSteps).toBeGreaterThan(r0);
  });
  it('zero-size dimensions give zeros or empty outputs', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(0), [3, 0]);
    const b = e.tensor(new Float32Array(0), [0, 4]);
    const c = await einsum('ij,jk->ik', a, b);
    expect(Array.from(await c.read())).toEqual(new Array(12).fill(0));
    const d = await einsum('ij->j', a);
    expect(d.shape).toEqual([0]);
    [a, b, c, d].forEach((t) => t.dispose());
  });
});

describe('slicing', () => {
  it('a tiny memory budget gives the same result as no slicing', async () => {
    // Intermediates of 'ab,bc,cd,de' are 9x2 / 9x13 etc.; 16 bytes (4 floats) forces slicing.
    const cases: [string, number[][]][] = [
      ['ab,bc,cd,de->ae', [[4, 9], [9, 2], [2, 13], [13, 5]]],
      ['i,j,k->ijk', [[3], [5], [7]]],
      ['ab,bc,cd,de,ea->', [[3, 4], [4, 5], [5, 2], [2, 3], [3, 3]]],
      ['iaj,jbk,kci,a,b,c->', [[3, 2, 4], [4, 2, 5], [5, 2, 3], [2], [2], [2]]],
    ];
    for (const [eq, shapes] of cases) {
      const plan = einsumPlan(engine(), eq, shapes, { memoryLimit: 16 });
      expect(plan.nSlices, eq).toBeGreaterThan(1);
      console.log(`${eq}: sliced over ${plan.sliced.join(',')} (${plan.nSlices} slices)`);
      // each slice accumulates once into the output: one more rounding per slice
      await check(eq, shapes, { memoryLimit: 16 }, 3, plan.nSlices);
      await check(eq, shapes, {}, 3);
    }
  });
  it('rejects a budget that no slicing can meet, clearly', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(1), [1]);
    await expect(einsum('i,i->', a, a, { memoryLimit: 0 })).rejects.toThrow(ValueError);
    const m = e.tensor(new Float32Array(6), [2, 3]);
    const n = e.tensor(new Float32Array(12), [3, 4]);
    const o = e.tensor(new Float32Array(8), [4, 2]);
    // every intermediate holds at least one element (4 bytes) > 2 bytes
    await expect(einsum('ab,bc,cd->ad', m, n, o, { memoryLimit: 2 })).rejects.toThrow(LimitError);
    await expect(einsum('ab,bc,cd->ad', m, n, o, { memoryLimit: 2 })).rejects.toThrow(/no index is left to slice/);
    [a, m, n, o].forEach((t) => t.dispose());
  });
});

describe('plan cache', () => {
  it('a repeated contraction plans nothing and compiles nothing', async () => {
    const e = engine();
    const shapes = [[6, 7], [7, 8], [8, 9]];
    await check('ab,bc,cd->ad', shapes);
    const compiles = e.kernels.compiles;
    const calls = plannerStats.calls;
    const ts = shapes.map((s, i) => e.tensor(randomF32(s[0]! * s[1]!, 40 + i), s));
    const r = await einsum('ab,bc,cd->ad', ...ts);
    expect(plannerStats.calls).toBe(calls);
    expect(e.kernels.compiles).toBe(compiles);
    r.dispose();
    ts.forEach((t) => t.dispose());
  });
});

describe('einsum errors', () => {
  it('names the problem', async () => {
    const e = engine();
    const a = e.tensor(new Float32Array(6), [2, 3]);
    const b = e.tensor(new Float32Array(8), [4, 2]);
    await expect(einsum('ij,jk->ik', a, b)).rejects.toThrow(ShapeError);
    await expect(einsum('ij,jk->ik', a, b)).rejects.toThrow(/index 'j' has size 3 .* and 4 in operand 1/);
    await expect(einsum('ij,jk->ik', a)).rejects.toThrow(/names 2 operand\(s\) but 1 were given/);
    await expect(einsum('ij->ik', a)).rejects.toThrow(/output index 'k' does not appear/);
    await expect(einsum('ij->ii', a)).rejects.toThrow(/repeats index 'i'/);
    await expect(einsum('i$->i', a)).rejects.toThrow(/invalid character '\$'/);
    await expect(einsum('ij->i->j', a)).rejects.toThrow(/more than one '->'/);
    await expect(einsum('i.....->i', a)).rejects.toThrow(ValueError);
    await expect(einsum('ijk->i', a)).rejects.toThrow(/shape \[2, 3\] \(rank 2\) but subscript 'ijk' has 3 indices/);
    const sq = e.tensor(new Float32Array(9), [3, 3]);
    await expect(einsum('ij,jk->ik', sq, sq, { path: [[0, 5]] })).rejects.toThrow(/path step 0/);
    await expect(einsum('ij,jk->ik', sq, sq, { path: [[0, 1], [0, 1]] })).rejects.toThrow(/needs 1 step/);
    await expect(einsum('ij,jk->ik', sq, sq, { path: 'fastest' as never })).rejects.toThrow(/unknown path strategy/);
    sq.dispose();
    const i = e.tensor(new Int32Array(6), [2, 3]);
    await expect(einsum('ij->j', i)).rejects.toThrow(/expected f32/);
    const x = e.tensor(new Float32Array(6), [3, 2]);
    const y = e.tensor(new Float32Array(12), [3, 4]);
    await expect(einsum('...i,...i->...', x, y)).rejects.toThrow(/index 'i' has size 2 in one place and 4 in operand 1/);
    const p = e.tensor(new Float32Array(12), [3, 4]);
    const q = e.tensor(new Float32Array(8), [2, 4]);
    await expect(einsum('...i,...i->...', p, q)).rejects.toThrow(/'\.\.\.' dimension 0 of operand 1 .* has size 2, which does not broadcast against 3/);
    [a, b, i, x, y, p, q].forEach((t) => t.dispose());
  });
});
