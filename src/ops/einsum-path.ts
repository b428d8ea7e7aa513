// Einsum equations and contraction paths, on the host.
//
// parseEinsum turns 'ab,bc->ac' (with '...', repeated indices, implicit outputs) plus operand
// shapes into integer labels and sizes, with typed errors naming the index and the sizes.
// planPath chooses the pairwise order, in the spirit of opt_einsum:
//  - 'greedy': Hadamard products (identical index sets) first, then the pair sharing an index
//    whose result shrinks the most (size(C) - size(A) - size(B), smallest first), outer products
//    last (the two smallest terms). O(n^2) pairs per step; ~ms for 50 operands.
//  - 'optimal': dynamic programming over ALL subsets and all splits (outer products included),
//    which is exhaustive over contraction trees: exact minimum flops. 3^n work: n <= 12.
//  - 'dp': dynamic programming over connected subsets only (no outer products inside a
//    connected component), pruned by the greedy cost; components joined smallest-first.
//  - 'auto': optimal for n <= 5, dp for n <= 16, greedy above.
//  - a user path: pairs of positions in the current operand list, as numpy/opt_einsum (the two
//    operands are removed and their result appended at the end).
// Flops follow opt_einsum: a pairwise step costs prod(sizes of all its indices), times 2 when
// some index is summed away.
import { ShapeError, ValueError, LimitError, fmtShape } from '../../runtime/errors.js';

export type PathStrategy = 'greedy' | 'optimal' | 'dp' | 'auto';
export type ContractionPath = number[][];

export interface ParsedEinsum {
  /** The equation with spaces removed and the output made explicit. */
  equation: string;
  /** Per operand, the label of each dimension; -1 marks a broadcast size-1 dimension of '...'. */
  dims: number[][];
  /** Per operand, its distinct labels in first-appearance order (repeats are diagonals). */
  terms: number[][];
  output: number[];
  /** Size of each label. */
  sizes: number[];
  /** Printable name of each label ('a', or '…0' for the ellipsis dimensions). */
  names: string[];
}

const OP = 'einsum';

function isLetter(c: string): boolean {
  return /^[a-zA-Z]$/.test(c);
}

/** Splits one subscript string into letters and an optional '...' position. */
function splitSubscript(s: string, where: string): { letters: string[]; ellipsisAt: number } {
  const letters: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < s.length; ) {
    if (s.startsWith('...', i)) {
      if (ellipsisAt >= 0) throw new ValueError(OP, `${where} '${s}' has more than one '...'`);
      ellipsisAt = letters.length;
      i += 3;
      continue;
    }
    const c = s[i]!;
    if (!isLetter(c)) throw new ValueError(OP, `${where} '${s}' has an invalid character '${c}' (indices are letters a-z, A-Z, and '...')`);
    letters.push(c);
    i++;
  }
  return { letters, ellipsisAt };
}

/** Parses an equation against operand shapes. Throws ValueError for malformed equations, ShapeError for sizes. */
export function parseEinsum(equation: string, shapes: readonly (readonly number[])[]): ParsedEinsum {
  if (typeof equation !== 'string') throw new ValueError(OP, `equation must be a string, got ${typeof equation}`);
  const eq = equation.replace(/\s+/g, '');
  const arrows = eq.split('->');
  if (arrows.length > 2) throw new ValueError(OP, `equation '${equation}' has more than one '->'`);
  const lhs = arrows[0]!;
  if (lhs.length === 0 && shapes.length > 0) throw new ValueError(OP, `equation '${equation}' has no input subscripts`);
  const inputsRaw = lhs.split(',');
  if (inputsRaw.length !== shapes.length) {
    throw new ValueError(OP, `equation '${equation}' names ${inputsRaw.length} operand(s) but ${shapes.length} were given`);
  }
  const inputs = inputsRaw.map((s, i) => splitSubscript(s, `operand ${i} subscript`));
  const letterId = new Map<string, number>();
  const names: string[] = [];
  const sizes: number[] = [];
  const idOf = (c: string) => {
    let id = letterId.get(c);
    if (id === undefined) {
      id = names.length;
      letterId.set(c, id);
      names.push(c);
      sizes.push(-1);
    }
    return id;
  };
  // Ellipsis rank: the most dimensions any '...' stands for.
  let ellRank = 0;
  const ellCount: number[] = inputs.map((inp, i) => {
    const shape = shapes[i]!;
    if (inp.ellipsisAt < 0) {
      if (shape.length !== inp.letters.length) {
        throw new ShapeError(OP, `operand ${i} has shape ${fmtShape(shape)} (rank ${shape.length}) but subscript '${inputsRaw[i]}' has ${inp.letters.length} indices`);
      }
      return 0;
    }
    const n = shape.length - inp.letters.length;
    if (n < 0) {
      throw new ShapeError(OP, `operand ${i} has shape ${fmtShape(shape)} (rank ${shape.length}), fewer dimensions than the ${inp.letters.length} indices of '${inputsRaw[i]}'`);
    }
    ellRank = Math.max(ellRank, n);
    return n;
  });
  for (const c of inputs.flatMap((x) => x.letters)) idOf(c);
  const ellIds: number[] = [];
  for (let j = 0; j < ellRank; j++) {
    ellIds.push(names.length);
    names.push(`…${j}`);
    sizes.push(1);
  }
  // Sizes: letters must agree exactly; '...' dimensions broadcast (1 against n).
  inputs.forEach((inp, i) => {
    const shape = shapes[i]!;
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) throw new ShapeError(OP, `operand ${i} has an invalid shape ${fmtShape(shape)}`);
    }
    const ne = ellCount[i]!;
    inp.letters.forEach((c, k) => {
      const axis = inp.ellipsisAt >= 0 && k >= inp.ellipsisAt ? k + ne : k;
      const id = idOf(c);
      const d = shape[axis]!;
      if (sizes[id] === -1) sizes[id] = d;
      else if (sizes[id] !== d) {
        throw new ShapeError(OP, `index '${c}' has size ${sizes[id]} in one place and ${d} in operand ${i} (shape ${fmtShape(shape)}, '${equation}')`);
      }
    });
    for (let j = 0; j < ne; j++) {
      const id = ellIds[ellRank - ne + j]!;
      const d = shape[inp.ellipsisAt + j]!;
      if (d === 1) continue;
      if (sizes[id] === 1) sizes[id] = d;
      else if (sizes[id] !== d) {
        throw new ShapeError(OP, `'...' dimension ${j} of operand ${i} (shape ${fmtShape(shape)}) has size ${d}, which does not broadcast against ${sizes[id]}`);
      }
    }
  });
  const dims: number[][] = inputs.map((inp, i) => {
    const shape = shapes[i]!;
    const ne = ellCount[i]!;
    const out: number[] = [];
    for (let k = 0; k <= inp.letters.length; k++) {
      if (k === inp.ellipsisAt) {
        for (let j = 0; j < ne; j++) {
          const id = ellIds[ellRank - ne + j]!;
          out.push(shape[inp.ellipsisAt + j] === 1 && sizes[id]! > 1 ? -1 : id);
        }
      }
      if (k < inp.letters.length) out.push(letterId.get(inp.letters[k]!)!);
    }
    return out;
  });
  const terms = dims.map((d) => [...new Set(d.filter((x) => x >= 0))]);
  let output: number[];
  if (arrows.length === 2) {
    const o = splitSubscript(arrows[1]!, 'output subscript');
    output = [];
    const seen = new Set<string>();
    for (let k = 0; k <= o.letters.length; k++) {
      if (k === o.ellipsisAt) output.push(...ellIds);
      if (k === o.letters.length) break;
      const c = o.letters[k]!;
      if (seen.has(c)) throw new ValueError(OP, `output subscript '${arrows[1]}' repeats index '${c}'`);
      seen.add(c);
      const id = letterId.get(c);
      if (id === undefined) throw new ValueError(OP, `output index '${c}' does not appear in any input of '${equation}'`);
      output.push(id);
    }
    // '...' dimensions left out of an explicit output are summed.
  } else {
    // Implicit output: '...' dimensions, then letters that appear exactly once, alphabetically.
    const count = new Map<string, number>();
    for (const inp of inputs) for (const c of inp.letters) count.set(c, (count.get(c) ?? 0) + 1);
    const once = [...count].filter(([, n]) => n === 1).map(([c]) => c).sort();
    output = [...ellIds, ...once.map((c) => letterId.get(c)!)];
  }
  const nameOf = (id: number) => (id >= letterId.size ? '...' : names[id]!);
  const sub = (ls: number[]) => ls.map(nameOf).join('').replace(/(\.\.\.)+/g, '...');
  const canonical = `${dims.map((d, i) => (inputs[i]!.ellipsisAt >= 0 ? inputsRaw[i]! : sub(d))).join(',')}->${sub(output)}`;
  return { equation: canonical, dims, terms, output, sizes, names };
}

// ---- label sets as bigint bitmasks ------------------------------------------------------------

function toMask(labels: readonly number[]): bigint {
  let m = 0n;
  for (const l of labels) m |= 1n << BigInt(l);
  return m;
}

function maskLabels(m: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; m > 0n; i++, m >>= 1n) if (m & 1n) out.push(i);
  return out;
}

/** Precomputed label sizes; size(mask) multiplies them (as a float: sizes can exceed 2^53 only in absurd networks). */
class SizeTable {
  private readonly cache = new Map<bigint, number>();
  constructor(readonly sizes: readonly number[]) {}
  size(m: bigint): number {
    const hit = this.cache.get(m);
    if (hit !== undefined) return hit;
    let s = 1;
    let i = 0;
    for (let x = m; x > 0n; x >>= 1n, i++) if (x & 1n) s *= this.sizes[i]!;
    if (this.cache.size < 1 << 20) this.cache.set(m, s);
    return s;
  }
}

export interface PathStep {
  /** Positions in the current operand list (numpy convention). */
  positions: number[];
  /** Labels of the step's inputs and result. */
  inputs: number[][];
  result: number[];
  /** Subscripts of this step, e.g. 'ab,bc->ac'. */
  equation: string;
  flops: number;
  /** Elements of the result. */
  resultSize: number;
  /** Number of terms each result element sums (product of the summed index sizes). */
  contractionLength: number;
}

export interface PathInfo {
  path: ContractionPath;
  steps: PathStep[];
  /** Total flops of the path (opt_einsum's count). */
  flops: number;
  /** Flops of a single nested loop over every index. */
  naiveFlops: number;
  /** Elements of the largest intermediate (the final output included). */
  largestIntermediate: number;
  speedup: number;
  strategy: PathStrategy | 'user';
}

/** Counts calls to the path planner (tests check that a cached plan does not plan again). */
export const plannerStats = { calls: 0 };

/** Replays a path and reports its cost; validates user paths. */
export function evaluatePath(p: ParsedEinsum, path: ContractionPath, strategy: PathInfo['strategy'] = 'user'): PathInfo {
  const st = new SizeTable(p.sizes);
  const out = toMask(p.output);
  let cur = p.terms.map((t) => ({ mask: toMask(t), labels: t }));
  const steps: PathStep[] = [];
  let flops = 0;
  let largest = 0;
  const n = p.terms.length;
  const expected = Math.max(1, n - 1);
  if (!Array.isArray(path) || path.length !== expected) {
    throw new ValueError(OP, `a path for ${n} operand(s) needs ${expected} step(s), got ${Array.isArray(path) ? path.length : typeof path}`);
  }
  for (const [s, posRaw] of path.entries()) {
    const pos = [...posRaw];
    const valid = Array.isArray(posRaw) && pos.length >= 1 && pos.length <= 2 && pos.every((x) => Number.isInteger(x) && x >= 0 && x < cur.length) && new Set(pos).size === pos.length && (pos.length === 2 || cur.length === 1);
    if (!valid) {
      throw new ValueError(OP, `path step ${s} ${JSON.stringify(posRaw)} is not a pair of distinct positions in 0..${cur.length - 1}`);
    }
    const sorted = [...pos].sort((a, b) => b - a);
    const picked = pos.map((i) => cur[i]!);
    for (const i of sorted) cur.splice(i, 1);
    let union = 0n;
    for (const x of picked) union |= x.mask;
    let rest = out;
    for (const x of cur) rest |= x.mask;
    const keep = union & rest;
    const resultLabels = orderResult(picked.map((x) => x.labels), keep, cur.length === 0 ? p.output : null);
    const f = st.size(union) * (keep !== union ? 2 : 1) * Math.max(1, picked.length - 1);
    flops += f;
    const resultSize = st.size(keep);
    largest = Math.max(largest, resultSize);
    steps.push({
      positions: pos,
      inputs: picked.map((x) => x.labels),
      result: resultLabels,
      equation: `${picked.map((x) => x.labels.map((l) => p.names[l]).join('')).join(',')}->${resultLabels.map((l) => p.names[l]).join('')}`,
      flops: f,
      resultSize,
      contractionLength: st.size(union & ~keep),
    });
    cur.push({ mask: keep, labels: resultLabels });
  }
  let all = 0n;
  for (const t of p.terms) all |= toMask(t);
  const anySummed = (all & ~out) !== 0n;
  const naiveFlops = st.size(all) * Math.max(1, n - 1) * (anySummed ? 2 : 1);
  return { path: path.map((x) => [...x]), steps, flops, naiveFlops, largestIntermediate: largest, speedup: naiveFlops / Math.max(1, flops), strategy };
}

/**
 * Index order of a step's result: for the last step, the equation's output; otherwise the
 * GEMM-canonical order batch (in both), free-left, free-right, each in its operand's order,
 * so the next step reads it with mergeable strides.
 */
function orderResult(inputs: number[][], keep: bigint, finalOutput: number[] | null): number[] {
  if (finalOutput) return [...finalOutput];
  const keepSet = new Set(maskLabels(keep));
  const a = inputs[0]!;
  const b = inputs[1] ?? [];
  const bSet = new Set(b);
  const aSet = new Set(a);
  const batch = a.filter((l) => keepSet.has(l) && bSet.has(l));
  const left = a.filter((l) => keepSet.has(l) && !bSet.has(l));
  const right = b.filter((l) => keepSet.has(l) && !aSet.has(l));
  return [...batch, ...left, ...right];
}

// ---- strategies --------------------------------------------------------------------------------

/** Converts a list of (id, id) merges over ids 0..n-1 (new ids appended) into numpy positions. */
function mergesToPath(n: number, merges: [number, number][]): ContractionPath {
  const cur = Array.from({ length: n }, (_, i) => i);
  let next = n;
  const path: ContractionPath = [];
  for (const [x, y] of merges) {
    const i = cur.indexOf(x);
    const j = cur.indexOf(y);
    path.push(i < j ? [i, j] : [j, i]);
    cur.splice(Math.max(i, j), 1);
    cur.splice(Math.min(i, j), 1);
    cur.push(next++);
  }
  return path;
}

function greedyMerges(termMasks: bigint[], out: bigint, st: SizeTable): { merges: [number, number][]; cost: number } {
  const live = new Map<number, bigint>();
  termMasks.forEach((m, i) => live.set(i, m));
  // How many live terms hold each label, so 'kept' needs no scan of all terms.
  const count = new Map<number, number>();
  const labelsOf = new Map<number, number[]>();
  termMasks.forEach((m, i) => {
    const ls = maskLabels(m);
    labelsOf.set(i, ls);
    for (const l of ls) count.set(l, (count.get(l) ?? 0) + 1);
  });
  let nextId = termMasks.length;
  const merges: [number, number][] = [];
  let cost = 0;
  const keptOf = (a: number, b: number): bigint => {
    const ma = live.get(a)!;
    const mb = live.get(b)!;
    let keep = 0n;
    for (const l of maskLabels(ma | mb)) {
      const bit = 1n << BigInt(l);
      const inside = (ma & bit ? 1 : 0) + (mb & bit ? 1 : 0);
      if (out & bit || count.get(l)! > inside) keep |= bit;
    }
    return keep;
  };
  const doMerge = (a: number, b: number) => {
    const ma = live.get(a)!;
    const mb = live.get(b)!;
    const keep = keptOf(a, b);
    cost += st.size(ma | mb) * (keep !== (ma | mb) ? 2 : 1);
    for (const l of labelsOf.get(a)!) count.set(l, count.get(l)! - 1);
    for (const l of labelsOf.get(b)!) count.set(l, count.get(l)! - 1);
    live.delete(a);
    live.delete(b);
    const id = nextId++;
    live.set(id, keep);
    const ls = maskLabels(keep);
    labelsOf.set(id, ls);
    for (const l of ls) count.set(l, (count.get(l) ?? 0) + 1);
    merges.push([a, b]);
  };
  while (live.size > 1) {
    // 1. Hadamard products: two terms with the same index set.
    const byMask = new Map<bigint, number>();
    let had: [number, number] | null = null;
    for (const [id, m] of live) {
      const o = byMask.get(m);
      if (o !== undefined) {
        had = [o, id];
        break;
      }
      byMask.set(m, id);
    }
    if (had) {
      doMerge(had[0], had[1]);
      continue;
    }
    // 2. The sharing pair whose result shrinks the most.
    const holders = new Map<number, number[]>();
    for (const [id] of live) for (const l of labelsOf.get(id)!) (holders.get(l) ?? holders.set(l, []).get(l)!).push(id);
    let best: [number, number] | null = null;
    let bestScore = Infinity;
    let bestSize = Infinity;
    const seen = new Set<string>();
    for (const ids of holders.values()) {
      for (let x = 0; x < ids.length; x++) {
        for (let y = x + 1; y < ids.length; y++) {
          const a = Math.min(ids[x]!, ids[y]!);
          const b = Math.max(ids[x]!, ids[y]!);
          const key = `${a},${b}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const keepSize = st.size(keptOf(a, b));
          const score = keepSize - st.size(live.get(a)!) - st.size(live.get(b)!);
          if (score < bestScore || (score === bestScore && keepSize < bestSize)) {
            bestScore = score;
            bestSize = keepSize;
            best = [a, b];
          }
        }
      }
    }
    if (best) {
      doMerge(best[0], best[1]);
      continue;
    }
    // 3. Outer products last: the two smallest terms.
    const bySize = [...live].sort((p, q) => st.size(p[1]) - st.size(q[1]) || p[0] - q[0]);
    doMerge(bySize[0]![0], bySize[1]![0]);
  }
  return { merges, cost };
}

interface DPEntry {
  cost: number;
  keep: bigint;
  left: number; // operand-subset masks (numbers: n <= 30)
  right: number;
}

/** Rebuilds merges from a DP table. Leaves are ids 0..n-1; results get new ids in order. */
function dpMerges(table: Map<number, DPEntry>, root: number, n: number): [number, number][] {
  const merges: [number, number][] = [];
  let next = n;
  const build = (s: number): number => {
    if ((s & (s - 1)) === 0) return Math.log2(s);
    const e = table.get(s)!;
    const a = build(e.left);
    const b = build(e.right);
    merges.push([a, b]);
    return next++;
  };
  build(root);
  return merges;
}

/** Labels a subset keeps: those also held by a term outside it, or in the output. */
function keptFor(subset: number, union: bigint, termMasks: bigint[], out: bigint): bigint {
  let outside = out;
  for (let i = 0; i < termMasks.length; i++) if (!(subset & (1 << i))) outside |= termMasks[i]!;
  return union & outside;
}

/** Exhaustive: all subsets, all splits, outer products included. Exact minimum flops. */
function optimalMerges(termMasks: bigint[], out: bigint, st: SizeTable): [number, number][] {
  const n = termMasks.length;
  if (n > 12) throw new LimitError(OP, `'optimal' searches all 3^n splits; ${n} operands is too many (use 'dp' or 'greedy')`);
  const full = (1 << n) - 1;
  const table = new Map<number, DPEntry>();
  const unionOf = new Array<bigint>(full + 1).fill(0n);
  const keepOf = new Array<bigint>(full + 1).fill(0n);
  for (let s = 1; s <= full; s++) {
    const low = s & -s;
    unionOf[s] = unionOf[s ^ low]! | termMasks[Math.log2(low)]!;
    keepOf[s] = keptFor(s, unionOf[s]!, termMasks, out);
  }
  const costOf = (s: number) => ((s & (s - 1)) === 0 ? 0 : table.get(s)!.cost);
  // Subsets in increasing popcount order are processed after all their proper subsets when
  // iterating s upward (every proper subset is numerically smaller).
  for (let s = 1; s <= full; s++) {
    if ((s & (s - 1)) === 0) continue;
    const low = s & -s;
    let best: DPEntry | null = null;
    // Enumerate splits with the lowest bit in the left part (each unordered split once).
    for (let a = (s - 1) & s; a > 0; a = (a - 1) & s) {
      if (!(a & low)) continue;
      const b = s ^ a;
      const u = keepOf[a]! | keepOf[b]!;
      const c = costOf(a) + costOf(b) + st.size(u) * (keepOf[s] !== u ? 2 : 1);
      if (!best || c < best.cost) best = { cost: c, keep: keepOf[s]!, left: a, right: b };
    }
    table.set(s, best!);
  }
  return dpMerges(table, full, n);
}

/** DP over connected subsets only, with the greedy cost as a cap; components joined smallest-first. */
function dpConnectedMerges(termMasks: bigint[], out: bigint, st: SizeTable, cap: number): [number, number][] {
  const n = termMasks.length;
  if (n > 30) throw new LimitError(OP, `'dp' handles up to 30 operands, got ${n} (use 'greedy')`);
  const table = new Map<number, DPEntry>();
  const levels: Map<number, { keep: bigint; cost: number }>[] = [new Map()];
  levels[1] = new Map();
  for (let i = 0; i < n; i++) levels[1]!.set(1 << i, { keep: keptFor(1 << i, termMasks[i]!, termMasks, out), cost: 0 });
  const unionCache = new Map<number, bigint>();
  const unionOf = (s: number): bigint => {
    let u = unionCache.get(s);
    if (u === undefined) {
      u = 0n;
      for (let i = 0; i < n; i++) if (s & (1 << i)) u |= termMasks[i]!;
      unionCache.set(s, u);
    }
    return u;
  };
  for (let k = 2; k <= n; k++) {
    const level = new Map<number, { keep: bigint; cost: number }>();
    for (let a = 1; a <= k >> 1; a++) {
      const la = levels[a]!;
      const lb = levels[k - a]!;
      for (const [sa, ea] of la) {
        for (const [sb, eb] of lb) {
          if (sa & sb) continue;
          if (a === k - a && sa > sb) continue;
          if ((ea.keep & eb.keep) === 0n) continue; // not connected
          const s = sa | sb;
          const u = ea.keep | eb.keep;
          const existing = level.get(s);
          const keep = existing?.keep ?? keptFor(s, unionOf(s), termMasks, out);
          const c = ea.cost + eb.cost + st.size(u) * (keep !== u ? 2 : 1);
          if (c > cap) continue;
          if (!existing || c < existing.cost) {
            level.set(s, { keep, cost: c });
            table.set(s, { cost: c, keep, left: sa, right: sb });
          }
        }
      }
    }
    levels[k] = level;
  }
  // Connected components: the largest DP subsets covering every operand, greedily.
  const comps: number[] = [];
  let covered = 0;
  for (let k = n; k >= 1; k--) {
    const cands = [...levels[k]!.entries()].filter(([s]) => !(s & covered)).sort((x, y) => x[1].cost - y[1].cost);
    for (const [s] of cands) {
      if (s & covered) continue;
      comps.push(s);
      covered |= s;
    }
  }
  const merges: [number, number][] = [];
  let next = n;
  const rootIds: { id: number; size: number }[] = [];
  for (const c of comps) {
    const sub = dpMerges(table, c, n).map(([x, y]) => [x, y] as [number, number]);
    // renumber this component's new ids after the global counter
    const local = new Map<number, number>();
    let last = Math.log2(c & -c);
    let localNext = n;
    for (const [x, y] of sub) {
      const gx = x >= n ? local.get(x)! : x;
      const gy = y >= n ? local.get(y)! : y;
      merges.push([gx, gy]);
      local.set(localNext++, next);
      last = next++;
    }
    const keep = (c & (c - 1)) === 0 ? levels[1]!.get(c)!.keep : table.get(c)!.keep;
    rootIds.push({ id: last, size: st.size(keep) });
  }
  while (rootIds.length > 1) {
    rootIds.sort((x, y) => x.size - y.size);
    const x = rootIds.shift()!;
    const y = rootIds.shift()!;
    merges.push([x.id, y.id]);
    rootIds.push({ id: next++, size: x.size * y.size });
  }
  return merges;
}

export interface PathOptions {
  /** A strategy, or an explicit path (list of position pairs). Default 'auto'. */
  path?: PathStrategy | ContractionPath;
}

/** Chooses a contraction path for a parsed equation. */
export function planPath(p: ParsedEinsum, strategy: PathStrategy | ContractionPath = 'auto'): PathInfo {
  plannerStats.calls++;
  if (Array.isArray(strategy)) return evaluatePath(p, strategy, 'user');
  const n = p.terms.length;
  if (n === 1) return evaluatePath(p, [[0]], strategy);
  const st = new SizeTable(p.sizes);
  const masks = p.terms.map(toMask);
  const out = toMask(p.output);
  let kind = strategy;
  if (kind === 'auto') kind = n <= 5 ? 'optimal' : n <= 16 ? 'dp' : 'greedy';
  let merges: [number, number][];
  if (kind === 'greedy') merges = greedyMerges(masks, out, st).merges;
  else if (kind === 'optimal') merges = optimalMerges(masks, out, st);
  else if (kind === 'dp') {
    const g = greedyMerges(masks, out, st);
    merges = dpConnectedMerges(masks, out, st, g.cost);
    const dpPath = evaluatePath(p, mergesToPath(n, merges), strategy);
    const gPath = evaluatePath(p, mergesToPath(n, g.merges), strategy);
    // The cap can prune the component joins away in odd networks; never return worse than greedy.
    return dpPath.flops <= gPath.flops ? dpPath : gPath;
  } else throw new ValueError(OP, `unknown path strategy '${String(strategy)}' (expected greedy, optimal, dp, auto or a list of pairs)`);
  return evaluatePath(p, mergesToPath(n, merges), strategy);
}

/**
 * Like numpy.einsum_path: the contraction order for `equation` over operands of the given
 * shapes, its flop count, the largest intermediate and the naive cost.
 */
export function einsumPath(equation: string, shapes: readonly (readonly number[])[], options: PathOptions = {}): PathInfo {
  return planPath(parseEinsum(equation, shapes), options.path ?? 'auto');
}

/**
 * Plans a network given as integer labels (no 52-letter limit): terms[i] lists operand i's
 * labels, sizes[label] their sizes, output the labels kept.
 */
export function planNetwork(terms: readonly (readonly number[])[], output: readonly number[], sizes: readonly number[], strategy: PathStrategy | ContractionPath = 'auto'): PathInfo {
  for (const l of [...terms.flat(), ...output]) {
    if (!Number.isInteger(l) || l < 0 || l >= sizes.length) throw new ValueError(OP, `label ${l} has no size (sizes has ${sizes.length} entries)`);
  }
  const parsed: ParsedEinsum = {
    equation: '',
    dims: terms.map((t) => [...t]),
    terms: terms.map((t) => [...new Set(t)]),
    output: [...output],
    sizes: [...sizes],
    names: sizes.map((_, i) => `[${i}]`),
  };
  return planPath(parsed, strategy);
}
