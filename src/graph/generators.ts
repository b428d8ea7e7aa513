// Seeded graph generators. The same seed gives the same edges in Node and in every browser: all
// randomness comes from Rng (integer xoshiro128**), and sparse models use geometric skip-sampling
// (Batagelj & Brandes, Phys. Rev. E 71, 036113, 2005), O(n + edges) instead of O(n^2) coin flips.
import { ValueError } from '../../runtime/errors.js';
import { buildGraph, type Graph } from './graph.js';
import { Rng } from './prng.js';

class EdgeBuf {
  s: number[] = [];
  d: number[] = [];
  push(u: number, v: number): void {
    this.s.push(u);
    this.d.push(v);
  }
}

function finish(n: number, b: EdgeBuf, directed: boolean, extra: Partial<Pick<Graph, 'groups' | 'coords'>> = {}): Graph {
  const { graph } = buildGraph(n, b.s, b.d, null, { directed, ...(extra.groups ? { groups: extra.groups } : {}) });
  return extra.coords ? { ...graph, coords: extra.coords } : graph;
}

function checkInt(op: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(op, `${name} must be an integer >= ${min}, got ${v}`);
}

function checkProb(op: string, name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ValueError(op, `${name} must be a probability in [0, 1], got ${p}`);
}

/**
 * Calls visit(k) for each index k in [0, total) kept independently with probability p, by
 * jumping geometric gaps: O(expected hits + 1) random numbers.
 */
function skipSample(rng: Rng, total: number, p: number, visit: (k: number) => void): void {
  if (p <= 0 || total <= 0) return;
  if (p >= 1) {
    for (let k = 0; k < total; k++) visit(k);
    return;
  }
  const logq = Math.log1p(-p);
  let k = -1;
  for (;;) {
    k += 1 + Math.floor(Math.log1p(-rng.next()) / logq);
    if (k >= total) return;
    visit(k);
  }
}

/** Samples the edges between block a (offset a0, size na) and block b; a === b means within the block. */
function sampleBlock(rng: Rng, buf: EdgeBuf, a0: number, na: number, b0: number, nb: number, same: boolean, directed: boolean, p: number): void {
  if (same && !directed) {
    // Row-major over pairs i < j: row i holds na - 1 - i pairs.
    let i = 0;
    let rowStart = 0;
    skipSample(rng, (na * (na - 1)) / 2, p, (k) => {
      while (k >= rowStart + (na - 1 - i)) {
        rowStart += na - 1 - i;
        i++;
      }
      buf.push(a0 + i, a0 + i + 1 + (k - rowStart));
    });
  } else if (same) {
    skipSample(rng, na * (na - 1), p, (k) => {
      const i = Math.floor(k / (na - 1));
      const c = k - i * (na - 1);
      buf.push(a0 + i, a0 + (c >= i ? c + 1 : c));
    });
  } else {
    skipSample(rng, na * nb, p, (k) => {
      const i = Math.floor(k / nb);
      buf.push(a0 + i, b0 + (k - i * nb));
    });
  }
}

function blockModel(op: string, sizes: readonly number[], prob: (a: number, b: number) => number, seed: number, directed: boolean, groups: Uint32Array[] | null): Graph {
  if (sizes.length === 0) throw new ValueError(op, 'needs at least one block');
  sizes.forEach((s, i) => checkInt(op, `sizes[${i}]`, s, 1));
  const offs = [0];
  for (const s of sizes) offs.push(offs[offs.length - 1]! + s);
  const n = offs[sizes.length]!;
  const rng = new Rng(seed);
  const buf = new EdgeBuf();
  const B = sizes.length;
  for (let a = 0; a < B; a++) {
    for (let b = directed ? 0 : a; b < B; b++) {
      const p = prob(a, b);
      checkProb(op, `probability of blocks (${a}, ${b})`, p);
      sampleBlock(rng, buf, offs[a]!, sizes[a]!, offs[b]!, sizes[b]!, a === b, directed, p);
    }
  }
  const part = new Uint32Array(n);
  for (let a = 0; a < B; a++) part.fill(a, offs[a]!, offs[a + 1]!);
  return finish(n, buf, directed, { groups: groups ?? [part] });
}

export interface SbmOptions {
  /** Block sizes. */
  sizes: readonly number[];
  /** Within-block edge probability (with pOut), or give `probs`. */
  pIn?: number;
  pOut?: number;
  /** Full block probability matrix (B x B, symmetric for undirected graphs). */
  probs?: readonly (readonly number[])[];
  seed?: number;
  directed?: boolean;
}

/** Stochastic block model; graph.groups[0] is the planted block of each node (blocks contiguous). */
export function sbm(o: SbmOptions): Graph {
  const op = 'sbm';
  const B = o.sizes.length;
  let prob: (a: number, b: number) => number;
  if (o.probs) {
    if (o.probs.length !== B || o.probs.some((r) => r.length !== B)) throw new ValueError(op, `probs must be ${B} x ${B} (one row and column per block)`);
    if (!o.directed) {
      for (let a = 0; a < B; a++) for (let b = 0; b < a; b++) if (o.probs[a]![b] !== o.probs[b]![a]) throw new ValueError(op, `probs must be symmetric for an undirected graph: [${a}][${b}] = ${o.probs[a]![b]} but [${b}][${a}] = ${o.probs[b]![a]}`);
    }
    const P = o.probs;
    prob = (a, b) => P[a]![b]!;
  } else {
    if (o.pIn === undefined || o.pOut === undefined) throw new ValueError(op, 'give pIn and pOut, or probs');
    const pin = o.pIn;
    const pout = o.pOut;
    prob = (a, b) => (a === b ? pin : pout);
  }
  return blockModel(op, o.sizes, prob, o.seed ?? 1, o.directed ?? false, null);
}

export interface HbmOptions {
  /** Hierarchy depth (>= 1). */
  levels: number;
  /** Branching: each group splits into this many subgroups per level (>= 2). */
  groups: number;
  /** Nodes per finest group. n = size * groups^levels. */
  size: number;
  /**
   * Edge probability by how far apart two nodes are: p[0] within the same finest group, p[k] when
   * they first share a group k levels up, p[levels] when in different top-level groups.
   * Default: p[k] = pIn * ratio^k with pIn = 0.5, ratio = 0.1.
   */
  p?: readonly number[];
  pIn?: number;
  ratio?: number;
  seed?: number;
}

/**
 * Hierarchical block model (nested SBM). graph.groups holds the ground truth for every level,
 * coarse to fine: groups[0] has `groups` parts, groups[levels-1] has groups^levels.
 */
export function hbm(o: HbmOptions): Graph {
  const op = 'hbm';
  checkInt(op, 'levels', o.levels, 1);
  checkInt(op, 'groups', o.groups, 2);
  checkInt(op, 'size', o.size, 1);
  const L = o.levels;
  const g = o.groups;
  const leaves = g ** L;
  if (leaves * o.size > 2 ** 26) throw new ValueError(op, `n = size * groups^levels = ${leaves * o.size} is too large for a host generator`);
  let p: number[];
  if (o.p) {
    if (o.p.length !== L + 1) throw new ValueError(op, `p must have levels + 1 = ${L + 1} entries (same finest group first, different top groups last), got ${o.p.length}`);
    p = [...o.p];
  } else {
    const pin = o.pIn ?? 0.5;
    const ratio = o.ratio ?? 0.1;
    p = Array.from({ length: L + 1 }, (_, k) => pin * ratio ** k);
  }
  p.forEach((x, k) => checkProb(op, `p[${k}]`, x));
  // Levels up to the lowest common group of leaf blocks a, b.
  const up = (a: number, b: number): number => {
    let k = 0;
    while (a !== b) {
      a = Math.floor(a / g);
      b = Math.floor(b / g);
      k++;
    }
    return k;
  };
  const sizes = new Array<number>(leaves).fill(o.size);
  const n = leaves * o.size;
  const truth: Uint32Array[] = [];
  for (let l = 0; l < L; l++) {
    const part = new Uint32Array(n);
    const div = g ** (L - 1 - l) * o.size;
    for (let i = 0; i < n; i++) part[i] = Math.floor(i / div);
    truth.push(part);
  }
  return blockModel(op, sizes, (a, b) => p[up(a, b)]!, o.seed ?? 1, false, truth);
}

/**
 * Barabasi-Albert preferential attachment: a clique on m + 1 nodes, then each new node links to m
 * distinct existing nodes chosen with probability proportional to degree.
 * Edges: m (m + 1) / 2 + (n - m - 1) m.
 */
export function barabasiAlbert(o: { n: number; m: number; seed?: number }): Graph {
  const op = 'barabasiAlbert';
  checkInt(op, 'm', o.m, 1);
  checkInt(op, 'n', o.n, o.m + 1);
  const rng = new Rng(o.seed ?? 1);
  const buf = new EdgeBuf();
  // Every edge endpoint once: sampling an entry uniformly samples a node by degree.
  const ends = new Uint32Array(2 * ((o.m * (o.m + 1)) / 2 + (o.n - o.m - 1) * o.m));
  let len = 0;
  for (let i = 0; i <= o.m; i++) {
    for (let j = i + 1; j <= o.m; j++) {
      buf.push(i, j);
      ends[len++] = i;
      ends[len++] = j;
    }
  }
  const chosen = new Set<number>();
  for (let v = o.m + 1; v < o.n; v++) {
    chosen.clear();
    while (chosen.size < o.m) chosen.add(ends[rng.int(len)]!);
    for (const t of chosen) {
      buf.push(v, t);
      ends[len++] = v;
      ends[len++] = t;
    }
  }
  return finish(o.n, buf, false);
}

/** Erdos-Renyi G(n, p) by skip-sampling over the n(n-1)/2 pairs (n(n-1) ordered pairs if directed). */
export function erdosRenyi(o: { n: number; p: number; seed?: number; directed?: boolean }): Graph {
  checkInt('erdosRenyi', 'n', o.n, 1);
  checkProb('erdosRenyi', 'p', o.p);
  const rng = new Rng(o.seed ?? 1);
  const buf = new EdgeBuf();
  sampleBlock(rng, buf, 0, o.n, 0, o.n, true, o.directed ?? false, o.p);
  return finish(o.n, buf, o.directed ?? false);
}

/** Cycle C_n (n >= 3): every node has degree 2. */
export function ring(n: number): Graph {
  checkInt('ring', 'n', n, 3);
  const buf = new EdgeBuf();
  for (let i = 0; i < n; i++) buf.push(i, (i + 1) % n);
  return finish(n, buf, false);
}

/** Path P_n (n >= 1): ends have degree 1. */
export function path(n: number): Graph {
  checkInt('path', 'n', n, 1);
  const buf = new EdgeBuf();
  for (let i = 0; i + 1 < n; i++) buf.push(i, i + 1);
  return finish(n, buf, false);
}

/** Star on n nodes (n >= 2): node 0 is the hub, nodes 1..n-1 leaves. */
export function star(n: number): Graph {
  checkInt('star', 'n', n, 2);
  const buf = new EdgeBuf();
  for (let i = 1; i < n; i++) buf.push(0, i);
  return finish(n, buf, false);
}

/** Complete graph K_n (n >= 1). */
export function complete(n: number): Graph {
  checkInt('complete', 'n', n, 1);
  const buf = new EdgeBuf();
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) buf.push(i, j);
  return finish(n, buf, false);
}

/**
 * Periodic d-dimensional lattice (torus) of side L, n = L^d, node index = sum_k x_k L^k. Each node
 * links to x + e_k (mod L) for each axis k, so degree 2d for L >= 3. L = 2 gives the wrap-around
 * edge twice, merged into one edge of weight 2 (the periodic Laplacian of a 2-cycle).
 */
export function lattice(o: { L: number; d: number }): Graph {
  const op = 'lattice';
  checkInt(op, 'L', o.L, 2);
  checkInt(op, 'd', o.d, 1);
  const n = o.L ** o.d;
  if (n > 2 ** 26) throw new ValueError(op, `n = L^d = ${n} is too large for a host generator`);
  const buf = new EdgeBuf();
  for (let i = 0; i < n; i++) {
    let stride = 1;
    for (let k = 0; k < o.d; k++) {
      const x = Math.floor(i / stride) % o.L;
      buf.push(i, i + ((x + 1) % o.L - x) * stride);
      stride *= o.L;
    }
  }
  return finish(n, buf, false);
}

/**
 * Random geometric graph: n points uniform in the unit square (or unit torus), linked when their
 * distance is below `radius`. Cell lists make it O(n + edges) for small radii. graph.coords holds the points.
 */
export function randomGeometric(o: { n: number; radius: number; torus?: boolean; seed?: number }): Graph {
  const op = 'randomGeometric';
  checkInt(op, 'n', o.n, 1);
  if (!(o.radius > 0)) throw new ValueError(op, `radius must be positive, got ${o.radius}`);
  const torus = o.torus ?? false;
  const rng = new Rng(o.seed ?? 1);
  const n = o.n;
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < 2 * n; i++) xy[i] = rng.next();
  const r2 = o.radius * o.radius;
  const buf = new EdgeBuf();
  const dist2 = (i: number, j: number): number => {
    let dx = Math.abs(xy[2 * i]! - xy[2 * j]!);
    let dy = Math.abs(xy[2 * i + 1]! - xy[2 * j + 1]!);
    if (torus) {
      dx = Math.min(dx, 1 - dx);
      dy = Math.min(dy, 1 - dy);
    }
    return dx * dx + dy * dy;
  };
  const cells = Math.min(Math.floor(1 / o.radius), Math.max(1, Math.floor(Math.sqrt(n))));
  if (cells < 3) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (dist2(i, j) < r2) buf.push(i, j);
  } else {
    // Cells of side >= radius: neighbours lie in the 3 x 3 block around a point's cell.
    const cellOf = (i: number) => Math.min(cells - 1, Math.floor(xy[2 * i]! * cells)) + cells * Math.min(cells - 1, Math.floor(xy[2 * i + 1]! * cells));
    const head = new Int32Array(cells * cells).fill(-1);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = cellOf(i);
      next[i] = head[c]!;
      head[c] = i;
    }
    for (let i = 0; i < n; i++) {
      const c = cellOf(i);
      const cx = c % cells;
      const cy = Math.floor(c / cells);
      for (let oy = -1; oy <= 1; oy++) {
        for (let ox = -1; ox <= 1; ox++) {
          let nx = cx + ox;
          let ny = cy + oy;
          if (torus) {
            nx = (nx + cells) % cells;
            ny = (ny + cells) % cells;
          } else if (nx < 0 || ny < 0 || nx >= cells || ny >= cells) continue;
          for (let j = head[nx + cells * ny]!; j >= 0; j = next[j]!) if (j > i && dist2(i, j) < r2) buf.push(i, j);
        }
      }
    }
  }
  return finish(n, buf, false, { coords: { dim: 2, data: xy } });
}
