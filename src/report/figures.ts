// Figure builders: result objects -> Vega-Lite specs (render them with renderSvg). Data are
// inlined as values, so a spec is self-contained and can be saved as JSON next to the SVG.
import { ShapeError, ValueError } from '../../runtime/errors.js';
import type { Graph } from '../graph/graph.js';
import { leafOrder, type Linkage } from '../graph/linkage.js';
import type { VlSpec } from './render.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface Scale {
  tau: number;
  label?: string;
}

export interface ThermoInput {
  tau: ArrayLike<number>;
  /** Entropy S(tau) (natural log). */
  entropy: ArrayLike<number>;
  /** Specific heat C(tau). */
  specificHeat: ArrayLike<number>;
  /** Number of nodes (S is shown as S / log N). */
  n: number;
  /** Vertical rules, e.g. 1/l_max, 1/l_2 and the peaks of C. */
  scales?: readonly Scale[];
  title?: string;
  width?: number;
  height?: number;
}

/** (a) S/log N and C against tau on a log x-axis, with vertical rules at the given scales. */
export function thermoFigure(input: ThermoInput): VlSpec {
  const op = 'thermoFigure';
  const { tau, entropy: S, specificHeat: C, n } = input;
  if (S.length !== tau.length || C.length !== tau.length) throw new ShapeError(op, `tau, entropy and specificHeat differ in length: ${tau.length}, ${S.length}, ${C.length}`);
  if (tau.length === 0) throw new ShapeError(op, 'no points');
  if (!(n >= 2)) throw new ValueError(op, `n must be >= 2 (S is divided by log n), got ${n}`);
  const logN = Math.log(n);
  const rows: { tau: number; value: number; quantity: string }[] = [];
  for (let i = 0; i < tau.length; i++) {
    const t = tau[i]!;
    if (!(t > 0) || t === Infinity) throw new ValueError(op, `tau[${i}] = ${t}; a log axis needs finite positive tau`);
    rows.push({ tau: t, value: S[i]! / logN, quantity: 'S / log N' }, { tau: t, value: C[i]!, quantity: 'C' });
  }
  const scales = (input.scales ?? []).filter((s) => s.tau > 0 && Number.isFinite(s.tau)).map((s) => ({ tau: s.tau, label: s.label ?? '' }));
  const x = { field: 'tau', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'tau' };
  return {
    $schema: SCHEMA,
    ...(input.title ? { title: input.title } : {}),
    width: input.width ?? 480,
    height: input.height ?? 280,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', clip: true },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'S / log N, C' },
          color: { field: 'quantity', type: 'nominal', title: null, sort: ['S / log N', 'C'] },
        },
      },
      ...(scales.length
        ? [
            { data: { values: scales }, mark: { type: 'rule' as const, strokeDash: [4, 3], color: '#888' }, encoding: { x } },
            { data: { values: scales }, mark: { type: 'text' as const, angle: 270, align: 'right' as const, baseline: 'bottom' as const, dx: -4, dy: -2, color: '#555' }, encoding: { x, y: { value: 0 }, text: { field: 'label' } } },
          ]
        : []),
    ],
  } as VlSpec;
}

export interface RgStep {
  step: number;
  /** Nodes at this step. */
  n: number;
  /** Spectral gap l_2 of this step's Laplacian. */
  lambda2: number;
}

/** (b) RG flow: number of nodes N and spectral gap l_2 at each coarse-graining step. */
export function rgFlowFigure(steps: readonly RgStep[], opts: { title?: string; width?: number; height?: number } = {}): VlSpec {
  if (steps.length === 0) throw new ShapeError('rgFlowFigure', 'no steps');
  const logL2 = steps.every((s) => s.lambda2 > 0);
  const panel = (field: 'n' | 'lambda2', title: string, log: boolean) => ({
    width: opts.width ?? 240,
    height: opts.height ?? 200,
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative' as const, axis: { tickMinStep: 1 }, title: 'RG step' },
      y: { field, type: 'quantitative' as const, scale: { type: log ? ('log' as const) : ('linear' as const) }, title },
    },
  });
  return {
    $schema: SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    data: { values: steps.map((s) => ({ step: s.step, n: s.n, lambda2: s.lambda2 })) },
    hconcat: [panel('n', 'N (nodes)', steps.every((s) => s.n > 0)), panel('lambda2', logL2 ? 'l_2 (log)' : 'l_2', logL2)],
  } as VlSpec;
}

export interface HeatmapOptions {
  /** Node order (perm[k] = node at position k), e.g. communityOrder(...). Default identity. */
  order?: ArrayLike<number>;
  /** Largest side drawn cell by cell; above it nodes are binned and each cell shows the mean weight of its block. Default 300. */
  maxSide?: number;
  title?: string;
  size?: number;
}

/**
 * (c) Heatmap of the (reordered) adjacency matrix. For n <= maxSide one cell per nonzero entry;
 * above, b = ceil(n / maxSide) consecutive positions form a bin and each block shows its mean
 * weight (sum / cells). Built from the edge list: O(E + bins^2) at most, never a dense n x n.
 */
export function adjacencyHeatmap(g: Graph, opts: HeatmapOptions = {}): VlSpec {
  const op = 'adjacencyHeatmap';
  const n = g.n;
  const maxSide = opts.maxSide ?? 300;
  if (!(maxSide >= 1)) throw new ValueError(op, `maxSide must be >= 1, got ${maxSide}`);
  const pos = new Uint32Array(n);
  if (opts.order) {
    if (opts.order.length !== n) throw new ShapeError(op, `order has length ${opts.order.length}, the graph has n = ${n}`);
    const seen = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const v = opts.order[k]!;
      if (!(v >= 0 && v < n) || seen[v]) throw new ValueError(op, `order is not a permutation of 0..${n - 1} (entry ${k} = ${v})`);
      seen[v] = 1;
      pos[v] = k;
    }
  } else for (let i = 0; i < n; i++) pos[i] = i;
  const b = Math.ceil(n / maxSide);
  const bins = Math.ceil(n / b);
  const cells = new Map<number, number>();
  const add = (r: number, c: number, w: number) => {
    const key = Math.floor(r / b) * bins + Math.floor(c / b);
    cells.set(key, (cells.get(key) ?? 0) + w);
  };
  for (let k = 0; k < g.src.length; k++) {
    const u = pos[g.src[k]!]!;
    const v = pos[g.dst[k]!]!;
    add(u, v, g.weight[k]!);
    if (!g.directed) add(v, u, g.weight[k]!);
  }
  const binLen = (i: number) => Math.min(n, (i + 1) * b) - i * b;
  const rows: { x: number; x2: number; y: number; y2: number; w: number }[] = [];
  for (const [key, sum] of cells) {
    const r = Math.floor(key / bins);
    const c = key - r * bins;
    rows.push({ x: c * b, x2: Math.min(n, (c + 1) * b), y: r * b, y2: Math.min(n, (r + 1) * b), w: b === 1 ? sum : sum / (binLen(r) * binLen(c)) });
  }
  const axis = { field: '', type: 'quantitative' as const, scale: { domain: [0, n], nice: false, zero: true }, title: null };
  return {
    $schema: SCHEMA,
    title: { text: opts.title ?? `adjacency (${n} nodes)`, ...(b > 1 ? { subtitle: `mean weight over ${b} x ${b} blocks` } : {}) },
    width: opts.size ?? 360,
    height: opts.size ?? 360,
    data: { values: rows },
    mark: { type: 'rect' },
    encoding: {
      x: { ...axis, field: 'x', axis: { orient: 'top' } },
      x2: { field: 'x2' },
      y: { ...axis, field: 'y', scale: { ...axis.scale, reverse: true } },
      y2: { field: 'y2' },
      color: { field: 'w', type: 'quantitative', title: b > 1 ? 'mean weight' : 'weight', scale: { scheme: 'blues' } },
    },
  } as VlSpec;
}

export interface DendrogramOptions {
  /** Draw the cut that leaves this many clusters, or at this height. */
  cut?: { clusters: number } | { height: number };
  /** Log height axis (leaves sit at half the lowest merge). Default false. */
  logHeight?: boolean;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * (d) Dendrogram as rule marks computed from the linkage: for each merge two vertical rules
 * (children up to the merge height) and one horizontal rule. Leaves are placed in leafOrder;
 * internal nodes at the mean x of their two children. Infinite heights are drawn at twice the
 * largest finite one. Segments below the cut are coloured by cluster.
 */
export function dendrogramFigure(link: Linkage, opts: DendrogramOptions = {}): VlSpec {
  const op = 'dendrogramFigure';
  const n = link.n;
  if (n < 2) throw new ShapeError(op, 'needs at least 2 leaves');
  const finite = Array.from(link.height).filter((h) => Number.isFinite(h));
  const hmax = finite.length ? Math.max(...finite) : 1;
  const positive = finite.filter((h) => h > 0);
  const floor = opts.logHeight ? (positive.length ? Math.min(...positive) / 2 : 1) : 0;
  const H = (h: number) => (Number.isFinite(h) ? Math.max(h, floor) : 2 * hmax || 1);
  const x = new Float64Array(2 * n - 1);
  const y = new Float64Array(2 * n - 1);
  leafOrder(link).forEach((leaf, k) => {
    x[leaf] = k;
    y[leaf] = floor;
  });
  let cutH = Infinity;
  if (opts.cut) {
    if ('clusters' in opts.cut) {
      const k = opts.cut.clusters;
      if (!Number.isInteger(k) || k < 1 || k > n) throw new ValueError(op, `cut.clusters must be in [1, ${n}], got ${k}`);
      // Between the (n-k)-th and (n-k+1)-th merge heights (1-based from the bottom).
      const lo = k === n ? floor : H(link.height[n - k - 1]!);
      const hi = k === 1 ? 1.1 * H(link.height[n - 2]!) : H(link.height[n - k]!);
      cutH = opts.logHeight ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    } else cutH = opts.cut.height;
  }
  // Cluster (under the cut) of every node: a merge below the cut inherits its own id.
  const cluster = new Int32Array(2 * n - 1).fill(-1);
  let nextCluster = 0;
  for (let j = n - 2; j >= 0; j--) {
    const id = n + j;
    if (H(link.height[j]!) > cutH) continue;
    if (cluster[id]! < 0) cluster[id] = nextCluster++;
    cluster[link.left[j]!] = cluster[id]!;
    cluster[link.right[j]!] = cluster[id]!;
  }
  const segs: { x: number; x2: number; y: number; y2: number; group: string }[] = [];
  for (let j = 0; j < n - 1; j++) {
    const id = n + j;
    const a = link.left[j]!;
    const b = link.right[j]!;
    const h = H(link.height[j]!);
    x[id] = (x[a]! + x[b]!) / 2;
    y[id] = h;
    const group = cluster[id]! >= 0 ? `cluster ${cluster[id]}` : 'above cut';
    segs.push({ x: x[a]!, x2: x[a]!, y: y[a]!, y2: h, group }, { x: x[b]!, x2: x[b]!, y: y[b]!, y2: h, group }, { x: x[a]!, x2: x[b]!, y: h, y2: h, group });
  }
  const yScale = { type: opts.logHeight ? ('log' as const) : ('linear' as const) };
  return {
    $schema: SCHEMA,
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 480,
    height: opts.height ?? 280,
    layer: [
      {
        data: { values: segs },
        mark: { type: 'rule' },
        encoding: {
          x: { field: 'x', type: 'quantitative', axis: null, scale: { domain: [-0.5, n - 0.5], nice: false, zero: false } },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', title: 'merge height', scale: yScale },
          y2: { field: 'y2' },
          color: { field: 'group', type: 'nominal', legend: null },
        },
      },
      ...(Number.isFinite(cutH)
        ? [{ data: { values: [{ h: cutH }] }, mark: { type: 'rule' as const, color: 'red', strokeDash: [6, 4] }, encoding: { y: { field: 'h', type: 'quantitative' as const, scale: yScale } } }]
        : []),
    ],
  } as VlSpec;
}
