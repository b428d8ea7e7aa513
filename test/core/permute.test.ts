import { describe, expect, it } from 'vitest';
import { useEngine } from '../helpers/gpu.js';
import { rng } from '../helpers/random.js';
import { permuteRef } from '../reference/permute.js';
import { permute, transpose, ShapeError, DisposedError, type Tensor, type DType } from '../../src/index.js';
import { simplifyPermutation } from '../../src/ops/permute.js';
import { f16BitsToF32 } from '../../runtime/dtype.js';

const engine = useEngine();
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

async function readAndDispose(t: Tensor) {
  const r = await t.read();
  t.dispose();
  return r;
}

function shuffle(n: number, seed: number): number[] {
  const r = rng(seed);
  const p = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

function allPerms(n: number): number[][] {
  if (n === 0) return [[]];
  return allPerms(n - 1).flatMap((p) => [...Array(n).keys()].map((k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

// Element values are their own flat index (distinct, exact in every 4-byte dtype), so any
// misplaced element shows up as an exact mismatch.
function input(dtype: DType, shape: number[]): { tensor: Tensor; data: ArrayLike<number> } {
  const n = size(shape);
  if (dtype === 'f16') {
    // random finite halves (exponent < 31), decoded for the comparison
    const r = rng(n + 17);
    const bits = Uint16Array.from({ length: n }, () => Math.floor(r() * 0x7c00) | (r() < 0.5 ? 0x8000 : 0));
    return { tensor: engine().tensor(bits, shape, 'f16'), data: Array.from(bits, f16BitsToF32) };
  }
  const data = dtype === 'f32' ? Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3)
    : dtype === 'i32' ? Int32Array.from({ length: n }, (_, i) => i - 50) : Uint32Array.from({ length: n }, (_, i) => 0xfffffff0 - i);
  return { tensor: engine().tensor(data, shape, dtype), data };
}

async function check(dtype: DType, shape: number[], perm?: number[]) {
  const { tensor, data } = input(dtype, shape);
  const p = perm ?? shape.map((_, i) => shape.length - 1 - i);
  const out = await permute(tensor, perm);
  tensor.dispose();
  const want = permuteRef(data, shape, p);
  expect(out.shape).toEqual(want.shape);
  expect(out.dtype).toBe(dtype);
  const got = Array.from(await readAndDispose(out));
  expect(got).toEqual(want.data); // exact: bits are moved, never converted
}

describe('permute', () => {
  const shapes: number[][] = [[1], [257], [7, 13], [1, 5], [3, 1, 4], [5, 7, 3], [2, 3, 5, 7], [3, 1, 5, 2, 4], [2, 3, 1, 2, 5, 3]];
  for (const shape of shapes) {
    const perms = shape.length <= 3 ? allPerms(shape.length) : [shuffle(shape.length, 1), shuffle(shape.length, 2), [...shape.keys()].reverse()];
    for (const perm of perms) {
      it(`f32 ${JSON.stringify(shape)} perm ${JSON.stringify(perm)}`, () => check('f32', shape, perm));
    }
  }

  for (const dtype of ['i32', 'u32'] as const) {
    it(`${dtype} rank 4 and rank 6`, async () => {
      await check(dtype, [3, 5, 2, 7], [2, 0, 3, 1]);
      await check(dtype, [2, 3, 2, 1, 3, 2], [5, 1, 4, 0, 3, 2]);
    });
  }

  it('without perm reverses the axes (numpy.transpose)', async () => {
    await check('f32', [2, 3, 5]);
    await check('i32', [4, 1, 3, 2, 2, 3]);
  });

  it('zero-size tensors keep their permuted shape', async () => {
    const x = engine().empty([2, 0, 3]);
    const y = await permute(x, [2, 0, 1]);
    expect(y.shape).toEqual([3, 2, 0]);
    x.dispose(); y.dispose();
  });

  it('f16 (two halves per word, odd lengths)', async (ctx) => {
    if (!engine().features.f16) ctx.skip();
    await check('f16', [1], [0]);
    await check('f16', [3, 5], [1, 0]);
    await check('f16', [7, 3, 5], [2, 0, 1]);
    await check('f16', [3, 5, 7], [0, 2, 1]);
    await check('f16', [2, 3, 1, 5, 3, 3], [4, 1, 5, 3, 0, 2]);
  });

  it('merges adjacent axes and drops size-1 axes', () => {
    expect(simplifyPermutation([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({ shape: [6, 20], perm: [1, 0] });
    expect(simplifyPermutation([2, 3, 4], [0, 2, 1])).toEqual({ shape: [2, 3, 4], perm: [0, 2, 1] });
    expect(simplifyPermutation([2, 1, 4], [1, 0, 2])).toEqual({ shape: [8], perm: [0] });
    expect(simplifyPermutation([2, 3, 4, 5], [0, 1, 3, 2])).toEqual({ shape: [6, 4, 5], perm: [0, 2, 1] });
    expect(simplifyPermutation([2, 3, 4, 5], [3, 1, 2, 0])).toEqual({ shape: [2, 12, 5], perm: [2, 1, 0] });
  });

  it('rejects bad permutations, naming the op and the perm', async () => {
    const x = engine().tensor(new Float32Array(6), [2, 3]);
    await expect(permute(x, [0, 0])).rejects.toThrow(ShapeError);
    await expect(permute(x, [0, 0])).rejects.toThrow(/permute: perm \[0, 0\] for \[2, 3\]: axis 0 appears twice/);
    await expect(permute(x, [0, 2])).rejects.toThrow(/permute: perm \[0, 2\] for \[2, 3\]: axis 2 is out of range \[0, 2\)/);
    await expect(permute(x, [-1, 0])).rejects.toThrow(/axis -1 is out of range/);
    await expect(permute(x, [0, 1, 2])).rejects.toThrow(/permute: perm \[0, 1, 2\] for \[2, 3\]: perm has 3 axes but the tensor has rank 2/);
    await expect(permute(x, [0.5, 1])).rejects.toThrow(ShapeError);
    const big = engine().empty([1, 1, 1, 1, 1, 1, 2]);
    await expect(permute(big)).rejects.toThrow(/permute: .* has rank 7; at most 6 axes/);
    await expect(transpose(big)).rejects.toThrow(/transpose: .* has rank 7/);
    big.dispose();
    x.dispose();
    await expect(permute(x, [1, 0])).rejects.toThrow(DisposedError);
  });
});

describe('transpose (last two axes)', () => {
  const shapes: number[][] = [[1, 1], [1, 257], [257, 1], [7, 13], [64, 64], [65, 63], [257, 131], [3, 65, 67], [2, 3, 17, 70], [2, 1, 3, 1, 5, 129]];
  for (const shape of shapes) {
    it(`f32 ${JSON.stringify(shape)}`, async () => {
      const r = shape.length;
      const perm = [...shape.keys()];
      [perm[r - 2], perm[r - 1]] = [r - 1, r - 2];
      const { tensor, data } = input('f32', shape);
      const out = await transpose(tensor);
      tensor.dispose();
      const want = permuteRef(data, shape, perm);
      expect(out.shape).toEqual(want.shape);
      expect(Array.from(await readAndDispose(out))).toEqual(want.data);
    });
  }

  it('i32 and u32 batched, and rank 0/1 copies', async () => {
    for (const dtype of ['i32', 'u32'] as const) {
      const { tensor, data } = input(dtype, [5, 67, 33]);
      expect(Array.from(await readAndDispose(await transpose(tensor)))).toEqual(permuteRef(data, [5, 67, 33], [0, 2, 1]).data);
      tensor.dispose();
    }
    const v = engine().tensor([1, 2, 3]);
    const t = await transpose(v);
    expect(t.shape).toEqual([3]);
    expect(Array.from(await readAndDispose(t))).toEqual([1, 2, 3]);
    v.dispose();
  });
});
