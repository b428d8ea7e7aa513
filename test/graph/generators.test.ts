import { describe, expect, it } from 'vitest';
import {
  sbm, hbm, barabasiAlbert, erdosRenyi, ring, path, star, complete, lattice, randomGeometric, generate,
  degrees, graphComponents, Rng, ValueError, type Graph,
} from '../../src/index.js';

const same = (a: Graph, b: Graph) => {
  expect(a.n).toBe(b.n);
  expect(Array.from(a.src)).toEqual(Array.from(b.src));
  expect(Array.from(a.dst)).toEqual(Array.from(b.dst));
  expect(Array.from(a.weight)).toEqual(Array.from(b.weight));
};
const degreeCounts = (g: Graph) => {
  const c = new Map<number, number>();
  for (const d of degrees(g)) c.set(d, (c.get(d) ?? 0) + 1);
  return Object.fromEntries([...c].sort((x, y) => x[0] - y[0]));
};

describe('Rng', () => {
  it('is deterministic and pinned (the same stream in Node and browsers)', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    // Pinned values: both test projects must see exactly these.
    expect(xs).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180]);
    expect(new Rng(43).nextU32()).not.toBe(xs[0]);
    const r = new Rng(7);
    for (let k = 0; k < 1000; k++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      expect(r.int(7)).toBeLessThan(7);
    }
  });
});

describe('deterministic generators', () => {
  const specs = ['sbm:blocks=4,size=64,pin=0.5,pout=0.005,seed=1', 'hbm:levels=3,groups=3,size=8,seed=7', 'ba:n=300,m=3,seed=5', 'er:n=500,p=0.01,seed=2', 'rgg:n=400,r=0.08,torus=true,seed=3', 'er:n=50,p=0.1,seed=2,directed=true'];
  for (const spec of specs) {
    it(`${spec}: the same seed twice gives identical edges; another seed differs`, () => {
      same(generate(spec), generate(spec));
      const other = generate(spec.replace(/seed=\d+/, 'seed=99'));
      expect(Array.from(other.dst)).not.toEqual(Array.from(generate(spec).dst));
    });
  }
  it('pins the edge count of a seeded SBM (same value in Node and in the browser)', () => {
    expect(generate(specs[0]!).src.length).toBe(4129);
  });
});

describe('structure', () => {
  it('ring, path, star, complete have the right degrees', () => {
    expect(degreeCounts(ring(101))).toEqual({ 2: 101 });
    expect(degreeCounts(path(7))).toEqual({ 1: 2, 2: 5 });
    expect(degreeCounts(path(1))).toEqual({ 0: 1 });
    expect(degreeCounts(star(13))).toEqual({ 1: 12, 12: 1 });
    expect(degreeCounts(complete(17))).toEqual({ 16: 17 });
    expect(complete(17).src.length).toBe(136);
  });

  it('periodic lattices are 2d-regular with n d edges', () => {
    for (const [L, d] of [[3, 1], [5, 2], [32, 2], [3, 3], [7, 3], [4, 4]] as const) {
      const g = lattice({ L, d });
      expect(g.n).toBe(L ** d);
      expect(g.src.length).toBe(L ** d * d);
      expect(degreeCounts(g)).toEqual({ [2 * d]: L ** d });
      expect(graphComponents(g).count).toBe(1);
    }
    // L = 2: the two wrap-around edges are one edge of weight 2 (the 2-cycle's periodic Laplacian).
    const g2 = lattice({ L: 2, d: 2 });
    expect(g2.src.length).toBe(4);
    expect(Array.from(g2.weight)).toEqual([2, 2, 2, 2]);
  });

  it('SBM edge densities are within sampling error and blocks are the ground truth', () => {
    const sizes = [64, 64, 64, 64];
    const g = sbm({ sizes, pIn: 0.5, pOut: 0.005, seed: 1 });
    expect(g.groups).toHaveLength(1);
    const grp = g.groups![0]!;
    let inside = 0;
    let across = 0;
    for (let k = 0; k < g.src.length; k++) (grp[g.src[k]!] === grp[g.dst[k]!] ? inside++ : across++);
    const pairsIn = 4 * (64 * 63) / 2;
    const pairsOut = (256 * 255) / 2 - pairsIn;
    // Binomial counts: mean N p, standard deviation sqrt(N p (1 - p)); 5 sigma bounds.
    for (const [count, N, p] of [[inside, pairsIn, 0.5], [across, pairsOut, 0.005]] as const) {
      expect(Math.abs(count - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
    }
    // Probability matrix form, unequal sizes, p = 1 and p = 0 are exact.
    const h = sbm({ sizes: [3, 5, 2], probs: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], seed: 3 });
    expect(h.src.length).toBe(3 + 10 + 1);
    expect(graphComponents(h).count).toBe(3);
  });

  it('directed ER uses ordered pairs; density within sampling error', () => {
    const n = 400;
    const p = 0.02;
    const g = erdosRenyi({ n, p, seed: 11, directed: true });
    expect(g.directed).toBe(true);
    const N = n * (n - 1);
    expect(Math.abs(g.src.length - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
    for (let k = 0; k < g.src.length; k++) expect(g.src[k]).not.toBe(g.dst[k]);
    const u = erdosRenyi({ n: 1000, p: 0.003, seed: 4 });
    const Nu = (1000 * 999) / 2;
    expect(Math.abs(u.src.length - Nu * 0.003)).toBeLessThan(5 * Math.sqrt(Nu * 0.003 * (1 - 0.003)));
  });

  it('hierarchical block model: n, nested ground truth per level, densities per level', () => {
    const g = hbm({ levels: 3, groups: 4, size: 16, seed: 7 });
    expect(g.n).toBe(1024);
    expect(g.groups!.map((p) => new Set(p).size)).toEqual([4, 16, 64]);
    // Nested: nodes in the same fine group share every coarser group.
    for (let i = 0; i < g.n; i++) expect(g.groups![0]![i]).toBe(Math.floor(g.groups![2]![i]! / 16));
    // Edges whose lowest common level is k occur with p_k = 0.5 * 0.1^k.
    const count = [0, 0, 0, 0];
    for (let e = 0; e < g.src.length; e++) {
      const [a, b] = [g.src[e]!, g.dst[e]!];
      const shared = g.groups!.filter((p) => p[a] === p[b]).length;
      count[3 - shared]!++;
    }
    const pairs = [64 * (16 * 15) / 2, 16 * (4 * 3 / 2) * 256, 4 * (4 * 3 / 2) * 64 * 64, (4 * 3 / 2) * 256 * 256];
    pairs.forEach((N, k) => {
      const p = 0.5 * 0.1 ** k;
      expect(Math.abs(count[k]! - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)) + 1);
    });
  });

  it('Barabasi-Albert has m(m+1)/2 + (n-m-1)m edges, minimum degree m, one component', () => {
    for (const [n, m] of [[300, 3], [101, 1], [50, 7]] as const) {
      const g = barabasiAlbert({ n, m, seed: 2 });
      expect(g.src.length).toBe((m * (m + 1)) / 2 + (n - m - 1) * m);
      expect(Math.min(...degrees(g))).toBe(m);
      expect(graphComponents(g).count).toBe(1);
    }
  });

  it('random geometric graph links exactly the pairs closer than r (brute-force check)', () => {
    for (const torus of [false, true]) {
      const g = randomGeometric({ n: 300, radius: 0.09, torus, seed: 5 });
      const xy = g.coords!.data;
      const set = new Set(Array.from(g.src, (s, k) => s * 300 + g.dst[k]!));
      let want = 0;
      for (let i = 0; i < 300; i++) {
        for (let j = i + 1; j < 300; j++) {
          let dx = Math.abs(xy[2 * i]! - xy[2 * j]!);
          let dy = Math.abs(xy[2 * i + 1]! - xy[2 * j + 1]!);
          if (torus) [dx, dy] = [Math.min(dx, 1 - dx), Math.min(dy, 1 - dy)];
          if (dx * dx + dy * dy < 0.09 ** 2) {
            want++;
            expect(set.has(i * 300 + j)).toBe(true);
          }
        }
      }
      expect(g.src.length).toBe(want);
    }
  });
});

describe('generate(spec)', () => {
  it('parses specs for every generator', () => {
    expect(generate('ring:n=100').n).toBe(100);
    expect(generate('lattice:L=32,d=2').n).toBe(1024);
    expect(generate('lattice:L=5').n).toBe(25);
    expect(generate('hbm:levels=3,groups=4,size=16,seed=7').n).toBe(1024);
    expect(generate('hbm:levels=2,groups=2,size=4,p=1/0/0').src.length).toBe(4 * 6);
    expect(generate('sbm:sizes=3/4,probs=1/0;0/1').src.length).toBe(3 + 6);
    expect(generate('complete:n=5').src.length).toBe(10);
    expect(generate('star:n=5').src.length).toBe(4);
    expect(generate('path:n=5').src.length).toBe(4);
    expect(generate(' ba : n=20, m=2 ').n).toBe(20);
  });

  it('gives clear errors for unknown generators, keys, and bad values', () => {
    expect(() => generate('blob:n=3')).toThrow(/unknown generator "blob".*known: sbm, hbm/);
    expect(() => generate('ring:n=10,k=3')).toThrow(/ring: unknown key "k"; accepted keys: n/);
    expect(() => generate('ring:n=ten')).toThrow(/n="ten" is not a number/);
    expect(() => generate('ring:n=2.5')).toThrow(/must be an integer/);
    expect(() => generate('ring:n=2')).toThrow(/n must be an integer >= 3/);
    expect(() => generate('ba:n=10')).toThrow(/missing m/);
    expect(() => generate('ring:n=10,n=11')).toThrow(/given twice/);
    expect(() => generate('ring:n')).toThrow(/expected key=value/);
    expect(() => generate('sbm:blocks=2,size=4,pin=1.5,pout=0')).toThrow(/probability in \[0, 1\]/);
    expect(() => generate('sbm:blocks=2,size=4')).toThrow(/pIn and pOut/);
    expect(() => generate('sbm:sizes=2/2,probs=1/0.5;0/1')).toThrow(/symmetric/);
    expect(() => generate('hbm:levels=2,groups=2,size=4,p=1/0')).toThrow(/levels \+ 1 = 3/);
    expect(() => generate('er:n=10,p=0.5,directed=maybe')).toThrow(/true or false/);
    expect(() => generate('ring:n=1')).toThrow(ValueError);
  });
});
