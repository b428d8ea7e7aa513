// The host-side graph: an edge list in typed arrays. Undirected graphs store each edge once with
// src < dst; directed graphs store src -> dst. Edges are sorted by (src, dst) and unique, so two
// graphs with the same edges compare equal array by array (the generators' determinism tests
// rely on it).
import { ShapeError, ValueError } from '../../runtime/errors.js';
import { ParseError } from './errors.js';

export interface Graph {
  /** Number of nodes; ids are 0..n-1. */
  readonly n: number;
  readonly src: Uint32Array;
  readonly dst: Uint32Array;
  /** Non-negative edge weights, same length as src/dst. */
  readonly weight: Float64Array | Float32Array;
  /** Directed graphs keep src -> dst; undirected ones store each edge once with src < dst. */
  readonly directed: boolean;
  /** Original string ids, when the input used them (labels[i] is node i's id). */
  readonly labels?: readonly string[];
  /** Ground-truth partitions, coarse to fine (one per hierarchy level); each has length n. */
  readonly groups?: readonly Uint32Array[];
  /** Node positions (n x dim, row-major) where the generator has them (random geometric graphs). */
  readonly coords?: { readonly dim: number; readonly data: Float64Array };
}

export type SelfLoopPolicy = 'remove' | 'error';
/** How to merge repeated edges: sum their weights (default), keep the max, the min, the first one, or refuse. */
export type DuplicatePolicy = 'sum' | 'max' | 'min' | 'first' | 'error';

export interface BuildOptions {
  directed?: boolean;
  selfLoops?: SelfLoopPolicy;
  duplicates?: DuplicatePolicy;
  labels?: readonly string[];
  groups?: readonly Uint32Array[];
}

/** What was merged or removed while building: nothing is dropped silently. */
export interface BuildStats {
  /** Edges read (before merging and self-loop removal). */
  edgesRead: number;
  /** Edges folded into an earlier copy of the same edge (for undirected graphs (u,v) and (v,u) are the same edge). */
  duplicatesMerged: number;
  selfLoopsRemoved: number;
}

/** Where edge k came from, for error messages (parsers pass line numbers). */
export interface EdgeLocator {
  op: string;
  file: string;
  locate(edgeIndex: number): { line?: number; where?: string };
}

/**
 * Builds a canonical Graph from raw edge arrays: removes (or refuses) self-loops, merges
 * duplicates by `duplicates`, sorts by (src, dst). O(E + n) (two counting-sort passes).
 */
export function buildGraph(
  n: number,
  src: ArrayLike<number>,
  dst: ArrayLike<number>,
  weight: ArrayLike<number> | null,
  options: BuildOptions = {},
  locator?: EdgeLocator,
): { graph: Graph; stats: BuildStats } {
  const op = locator?.op ?? 'buildGraph';
  const directed = options.directed ?? false;
  const selfLoops = options.selfLoops ?? 'remove';
  const duplicates = options.duplicates ?? 'sum';
  const m = src.length;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new ValueError(op, `node count must be an integer in [0, 2^32), got ${n}`);
  if (dst.length !== m || (weight && weight.length !== m)) {
    throw new ShapeError(op, `edge arrays differ in length: src ${m}, dst ${dst.length}, weight ${weight ? weight.length : 'none'}`);
  }
  const fail = (k: number, expected: string, found: string): never => {
    if (locator) throw new ParseError(op, { file: locator.file, ...locator.locate(k), expected, found });
    throw new ValueError(op, `edge ${k}: expected ${expected}, found ${found}`);
  };
  const s0 = new Uint32Array(m);
  const d0 = new Uint32Array(m);
  const w0 = new Float64Array(m);
  const origin = new Uint32Array(m);
  let kept = 0;
  let selfLoopsRemoved = 0;
  for (let k = 0; k < m; k++) {
    let u = src[k]!;
    let v = dst[k]!;
    const w = weight ? weight[k]! : 1;
    if (!Number.isInteger(u) || u < 0 || u >= n) fail(k, `a node id in [0, ${n})`, String(u));
    if (!Number.isInteger(v) || v < 0 || v >= n) fail(k, `a node id in [0, ${n})`, String(v));
    if (!(w >= 0) || w === Infinity) fail(k, 'a finite non-negative weight', String(w));
    if (u === v) {
      if (selfLoops === 'error') fail(k, 'no self-loops (selfLoops: "error")', `a self-loop on node ${u}`);
      selfLoopsRemoved++;
      continue;
    }
    if (!directed && u > v) [u, v] = [v, u];
    s0[kept] = u;
    d0[kept] = v;
    w0[kept] = w;
    origin[kept] = k;
    kept++;
  }
  // Stable counting sort by dst, then by src: result ordered by (src, dst), ties in input order.
  const byDst = countingOrder(d0, kept, n, null);
  const order = countingOrder(s0, kept, n, byDst);
  const outS = new Uint32Array(kept);
  const outD = new Uint32Array(kept);
  const outW = new Float64Array(kept);
  let e = 0;
  let duplicatesMerged = 0;
  for (let t = 0; t < kept; t++) {
    const k = order[t]!;
    if (e > 0 && outS[e - 1] === s0[k] && outD[e - 1] === d0[k]) {
      duplicatesMerged++;
      const w = w0[k]!;
      switch (duplicates) {
        case 'sum': outW[e - 1] += w; break;
        case 'max': outW[e - 1] = Math.max(outW[e - 1]!, w); break;
        case 'min': outW[e - 1] = Math.min(outW[e - 1]!, w); break;
        case 'first': break;
        case 'error': fail(origin[k]!, 'no repeated edges (duplicates: "error")', `edge (${s0[k]}, ${d0[k]}) again`);
      }
      continue;
    }
    outS[e] = s0[k]!;
    outD[e] = d0[k]!;
    outW[e] = w0[k]!;
    e++;
  }
  const graph: Graph = {
    n,
    src: outS.slice(0, e),
    dst: outD.slice(0, e),
    weight: outW.slice(0, e),
    directed,
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
  };
  if (options.labels && options.labels.length !== n) throw new ShapeError(op, `labels has length ${options.labels.length}, expected n = ${n}`);
  for (const g of options.groups ?? []) if (g.length !== n) throw new ShapeError(op, `a ground-truth partition has length ${g.length}, expected n = ${n}`);
  return { graph, stats: { edgesRead: m, duplicatesMerged, selfLoopsRemoved } };
}

function countingOrder(key: Uint32Array, m: number, n: number, within: Uint32Array | null): Uint32Array {
  const count = new Uint32Array(n + 1);
  for (let t = 0; t < m; t++) count[key[within ? within[t]! : t]! + 1]!++;
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const out = new Uint32Array(m);
  for (let t = 0; t < m; t++) {
    const k = within ? within[t]! : t;
    out[count[key[k]!]!++] = k;
  }
  return out;
}

/** Convenience: a graph from [u, v] or [u, v, w] triples (merging duplicates by summing). */
export function graphFromEdges(n: number, edges: readonly (readonly number[])[], options: BuildOptions = {}): Graph {
  const s = edges.map((e) => e[0]!);
  const d = edges.map((e) => e[1]!);
  const w = edges.map((e) => (e.length > 2 ? e[2]! : 1));
  return buildGraph(n, s, d, w, options).graph;
}

/** Checks a Graph built by hand: array lengths, ids in range, finite non-negative weights. */
export function checkGraph(g: Graph, op: string): void {
  const m = g.src.length;
  if (g.dst.length !== m || g.weight.length !== m) {
    throw new ShapeError(op, `graph edge arrays differ in length: src ${m}, dst ${g.dst.length}, weight ${g.weight.length}`);
  }
  for (let k = 0; k < m; k++) {
    if (g.src[k]! >= g.n || g.dst[k]! >= g.n) throw new ValueError(op, `edge ${k} (${g.src[k]}, ${g.dst[k]}) has a node id >= n = ${g.n}`);
    const w = g.weight[k]!;
    if (!(w >= 0) || w === Infinity) throw new ValueError(op, `edge ${k} has weight ${w}; weights must be finite and non-negative`);
  }
}

/** Weighted degrees (out-degrees for directed graphs). Self-loops, if a hand-built graph has any, are ignored. */
export function degrees(g: Graph): Float64Array {
  const deg = new Float64Array(g.n);
  for (let k = 0; k < g.src.length; k++) {
    const u = g.src[k]!;
    const v = g.dst[k]!;
    if (u === v) continue;
    deg[u] += g.weight[k]!;
    if (!g.directed) deg[v] += g.weight[k]!;
  }
  return deg;
}

/** Number of edges (each undirected edge once). */
export function edgeCount(g: Graph): number {
  return g.src.length;
}
