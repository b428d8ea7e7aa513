import { describe, expect, it } from 'vitest';
import { rng } from '../helpers/random.js';
import { CORPUS } from './corpus.js';
import { einsumPath, parseEinsum, planNetwork, ValueError, LimitError, type PathStrategy } from '../../src/index.js';

/** A random connected network: a ring over n operands plus `extra` random bonds, sizes 2..maxSize. */
function randomNetwork(n: number, extra: number, seed: number, maxSize = 4): { eq: string; shapes: number[][] } {
  const r = rng(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const terms: string[][] = Array.from({ length: n }, () => []);
  const size = new Map<string, number>();
  let next = 0;
  const bond = (i: number, j: number) => {
    const c = letters[next++ % letters.length]!;
    if (next > letters.length) throw new Error('too many bonds for single letters');
    size.set(c, 2 + Math.floor(r() * (maxSize - 1)));
    terms[i]!.push(c);
    terms[j]!.push(c);
  };
  for (let i = 0; i < n; i++) bond(i, (i + 1) % n);
  for (let k = 0; k < extra; k++) {
    const i = Math.floor(r() * n);
    const j = (i + 1 + Math.floor(r() * (n - 1))) % n;
    bond(i, j);
  }
  return { eq: `${terms.map((t) => t.join('')).join(',')}->`, shapes: terms.map((t) => t.map((c) => size.get(c)!)) };
}

function validPath(path: number[][], n: number) {
  let len = n;
  for (const step of path) {
    expect(step.length === 2 || n === 1).toBe(true);
    for (const i of step) expect(i >= 0 && i < len).toBe(true);
    len -= step.length - 1;
  }
  expect(len).toBe(1);
}

describe('einsumPath', () => {
  it('reports flops, naive flops and the largest intermediate like numpy.einsum_path', () => {
    const info = einsumPath('ij,jk->ik', [[13, 17], [17, 11]]);
    expect(info.path).toEqual([[0, 1]]);
    expect(info.flops).toBe(2 * 13 * 17 * 11);
    expect(info.naiveFlops).toBe(2 * 13 * 17 * 11);
    expect(info.largestIntermediate).toBe(13 * 11);
    expect(info.steps[0]!.contractionLength).toBe(17);
    expect(info.steps[0]!.equation).toBe('ij,jk->ik');
    // a matrix chain where the order matters: (A B) C costs 2*(10*100*5 + 10*5*50), A (B C) 2*(100*5*50 + 10*100*50)
    const chain = einsumPath('ab,bc,cd->ad', [[10, 100], [100, 5], [5, 50]], { path: 'optimal' });
    expect(chain.path).toEqual([[0, 1], [0, 1]]);
    expect(chain.flops).toBe(2 * (10 * 100 * 5 + 10 * 5 * 50));
    expect(chain.naiveFlops).toBe(10 * 100 * 5 * 50 * 2 * 2);
    expect(chain.speedup).toBeCloseTo(chain.naiveFlops / chain.flops);
  });

  it('greedy: Hadamard products first, outer products last', () => {
    const h = einsumPath('jk,ij,ij->ik', [[5, 6], [4, 5], [4, 5]], { path: 'greedy' });
    expect(h.path[0]).toEqual([1, 2]);
    const o = einsumPath('i,j,ik,jk->', [[3], [4], [3, 5], [4, 5]], { path: 'greedy' });
    // every step contracts a shared index: no outer product i,j is ever formed
    for (const s of o.steps) expect(s.inputs[0]!.some((l) => s.inputs[1]!.includes(l))).toBe(true);
    const outer = einsumPath('i,j,k->ijk', [[3], [5], [7]], { path: 'greedy' });
    expect(outer.steps[0]!.inputs.map((t) => t.length)).toEqual([1, 1]);
    expect(outer.steps[0]!.resultSize).toBe(15); // the two smallest first
  });

  it('optimal is never worse than greedy or dp; dp never worse than greedy (corpus)', () => {
    for (const [eq, shapes] of CORPUS) {
      const n = shapes.length;
      const f: Record<string, number> = {};
      for (const s of ['greedy', 'optimal', 'dp', 'auto'] as PathStrategy[]) {
        const info = einsumPath(eq, shapes, { path: s });
        validPath(info.path, n);
        f[s] = info.flops;
      }
      expect(f.optimal!, eq).toBeLessThanOrEqual(f.greedy!);
      expect(f.optimal!, eq).toBeLessThanOrEqual(f.dp!);
      expect(f.dp!, eq).toBeLessThanOrEqual(f.greedy!);
    }
  });

  it('optimal <= dp <= greedy on random networks of 4..10 operands', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const n = 4 + (seed % 7);
      const { eq, shapes } = randomNetwork(n, seed % 5, seed);
      const g = einsumPath(eq, shapes, { path: 'greedy' });
      const d = einsumPath(eq, shapes, { path: 'dp' });
      const o = einsumPath(eq, shapes, { path: 'optimal' });
      validPath(g.path, n);
      validPath(d.path, n);
      validPath(o.path, n);
      expect(o.flops, eq).toBeLessThanOrEqual(d.flops);
      expect(d.flops, eq).toBeLessThanOrEqual(g.flops);
    }
  });

  it('optimal equals a brute-force search over every pair sequence (5 operands)', () => {
    const brute = (eq: string, shapes: number[][]): number => {
      const n = shapes.length;
      let best = Infinity;
      const rec = (path: number[][], left: number) => {
        if (left === 1) {
          best = Math.min(best, einsumPath(eq, shapes, { path }).flops);
          return;
        }
        for (let i = 0; i < left; i++) for (let j = i + 1; j < left; j++) rec([...path, [i, j]], left - 1);
      };
      rec([], n);
      return best;
    };
    for (let seed = 100; seed < 106; seed++) {
      const { eq, shapes } = randomNetwork(5, seed % 3, seed, 6);
      expect(einsumPath(eq, shapes, { path: 'optimal' }).flops).toBe(brute(eq, shapes));
    }
  });

  it('auto: optimal up to 5 operands, dp up to 16, greedy above', () => {
    const small = randomNetwork(5, 2, 1);
    expect(einsumPath(small.eq, small.shapes).flops).toBe(einsumPath(small.eq, small.shapes, { path: 'optimal' }).flops);
    const mid = randomNetwork(12, 3, 2);
    expect(einsumPath(mid.eq, mid.shapes).flops).toBe(einsumPath(mid.eq, mid.shapes, { path: 'dp' }).flops);
    const big = randomNetwork(20, 4, 3);
    expect(einsumPath(big.eq, big.shapes).path).toEqual(einsumPath(big.eq, big.shapes, { path: 'greedy' }).path);
  });

  it('dp handles 16-operand chains and rings quickly', () => {
    const ring = randomNetwork(16, 0, 5);
    const t0 = performance.now();
    const d = einsumPath(ring.eq, ring.shapes, { path: 'dp' });
    const ms = performance.now() - t0;
    validPath(d.path, 16);
    expect(d.flops).toBeLessThanOrEqual(einsumPath(ring.eq, ring.shapes, { path: 'greedy' }).flops);
    expect(ms).toBeLessThan(5000);
  });

  it('greedy plans 20- and 50-operand networks in milliseconds', () => {
    for (const n of [20, 50]) {
      // integer labels: a ring plus n/5 random bonds (more bonds than the 52 letters)
      const r = rng(n);
      const terms: number[][] = Array.from({ length: n }, () => []);
      const sizes: number[] = [];
      const bond = (i: number, j: number) => {
        terms[i]!.push(sizes.length);
        terms[j]!.push(sizes.length);
        sizes.push(2 + Math.floor(r() * 2));
      };
      for (let i = 0; i < n; i++) bond(i, (i + 1) % n);
      for (let k = 0; k < n / 5; k++) {
        const i = Math.floor(r() * n);
        bond(i, (i + 1 + Math.floor(r() * (n - 1))) % n);
      }
      const t0 = performance.now();
      const info = planNetwork(terms, [], sizes, 'greedy');
      const ms = performance.now() - t0;
      validPath(info.path, n);
      console.log(`greedy planning, ${n} operands: ${ms.toFixed(1)} ms, flops ${info.flops.toExponential(3)}`);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('rejects bad paths and strategies', () => {
    expect(() => einsumPath('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]], { path: [[0, 1]] })).toThrow(/needs 2 step/);
    expect(() => einsumPath('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]], { path: [[0, 0], [0, 1]] })).toThrow(ValueError);
    expect(() => einsumPath('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]], { path: [[0, 1], [0, 2]] })).toThrow(/path step 1/);
    const big = randomNetwork(14, 0, 9);
    expect(() => einsumPath(big.eq, big.shapes, { path: 'optimal' })).toThrow(LimitError);
  });

  it('parses implicit outputs, ellipses and diagonals', () => {
    expect(parseEinsum('ba,ac', [[2, 3], [3, 4]]).equation).toBe('ba,ac->bc');
    expect(parseEinsum('ii', [[3, 3]]).equation).toBe('ii->');
    const p = parseEinsum('...ij,jk', [[5, 2, 3], [3, 4]]);
    expect(p.equation).toBe('...ij,jk->...ik');
    expect(p.output.map((l) => p.sizes[l])).toEqual([5, 2, 4]);
    const q = parseEinsum('iij->j', [[3, 3, 4]]);
    expect(q.terms[0]!.length).toBe(2);
  });
});
