// Figure builders of the diffusion report (Vega-Lite specs; render with renderSvg): the loss
// curve, samples over the data density, NLL against the entropy-production bound, and the
// entropy rates over t. Data are inlined, so every spec is self-contained.
import { ShapeError } from '../../runtime/errors.js';
import type { VlSpec } from './render.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const finite = (v: number) => Number.isFinite(v);

/** Minibatch DSM loss against the training step (log y when every loss is positive). */
export function lossCurveFigure(curve: readonly { step: number; loss: number }[], opts: { title?: string } = {}): VlSpec {
  if (curve.length === 0) throw new ShapeError('lossCurveFigure', 'empty loss curve');
  const log = curve.every((p) => p.loss > 0);
  return {
    $schema: SCHEMA,
    title: opts.title ?? 'Training loss',
    width: 480,
    height: 260,
    data: { values: curve.filter((p) => finite(p.loss)).map((p) => ({ step: p.step, loss: p.loss })) },
    mark: { type: 'line', point: curve.length <= 40 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'loss', type: 'quantitative', scale: { type: log ? 'log' : 'linear', zero: false }, title: 'DSM loss (minibatch mean)' },
    },
  } as VlSpec;
}

export interface DensityGrid {
  /** Cell centres along x and y, and the value of each cell (row-major, y outer). */
  xs: readonly number[];
  ys: readonly number[];
  values: readonly number[];
  /** Legend title, e.g. 'p(x) (analytic)' or 'data count'. */
  label: string;
}

/** Samples (points) over a density heatmap; d = 2 (the first two coordinates otherwise). */
export function samplesFigure(samples: ArrayLike<number>, dim: number, density: DensityGrid, opts: { title?: string; maxPoints?: number } = {}): VlSpec {
  const op = 'samplesFigure';
  if (dim < 2) throw new ShapeError(op, `needs d >= 2, got ${dim}`);
  if (density.values.length !== density.xs.length * density.ys.length) throw new ShapeError(op, `density grid has ${density.values.length} values for ${density.xs.length} x ${density.ys.length} cells`);
  const dx = density.xs.length > 1 ? density.xs[1]! - density.xs[0]! : 1;
  const dy = density.ys.length > 1 ? density.ys[1]! - density.ys[0]! : 1;
  const cells: { x: number; x2: number; y: number; y2: number; v: number }[] = [];
  density.ys.forEach((y, j) => density.xs.forEach((x, i) => cells.push({ x: x - dx / 2, x2: x + dx / 2, y: y - dy / 2, y2: y + dy / 2, v: density.values[j * density.xs.length + i]! })));
  const lo = [density.xs[0]! - dx / 2, density.xs[density.xs.length - 1]! + dx / 2];
  const loY = [density.ys[0]! - dy / 2, density.ys[density.ys.length - 1]! + dy / 2];
  const n = Math.min(samples.length / dim, opts.maxPoints ?? 2000);
  const pts: { x: number; y: number }[] = [];
  for (let i = 0; i < n; i++) {
    const x = samples[i * dim]!, y = samples[i * dim + 1]!;
    if (finite(x) && finite(y) && x >= lo[0]! && x <= lo[1]! && y >= loY[0]! && y <= loY[1]!) pts.push({ x, y });
  }
  const xs = { type: 'quantitative' as const, scale: { domain: lo, nice: false }, title: 'x1' };
  const ys = { type: 'quantitative' as const, scale: { domain: loY, nice: false }, title: 'x2' };
  return {
    $schema: SCHEMA,
    title: opts.title ?? `Samples (${pts.length} shown) over the data density`,
    width: 420,
    height: 420,
    layer: [
      {
        data: { values: cells },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x', ...xs }, x2: { field: 'x2' }, y: { field: 'y', ...ys }, y2: { field: 'y2' },
          color: { field: 'v', type: 'quantitative', title: density.label, scale: { scheme: 'blues' } },
        },
      },
      {
        data: { values: pts },
        mark: { type: 'circle', size: 6, color: '#d62728', opacity: 0.6 },
        encoding: { x: { field: 'x', ...xs }, y: { field: 'y', ...ys } },
      },
    ],
  } as VlSpec;
}

export interface Estimate {
  label: string;
  value: number;
  /** Standard error; the bars show +-2 se. */
  se: number;
}

/** NLL, bound and reference entropies as points with +-2 standard-error bars. */
export function nllBoundFigure(items: readonly Estimate[], opts: { title?: string } = {}): VlSpec {
  const rows = items.filter((e) => finite(e.value)).map((e) => ({ label: e.label, value: e.value, lo: e.value - 2 * (e.se || 0), hi: e.value + 2 * (e.se || 0) }));
  if (rows.length === 0) throw new ShapeError('nllBoundFigure', 'no finite estimates');
  const x = { field: 'label', type: 'nominal' as const, sort: null, title: null, axis: { labelAngle: 0 } };
  return {
    $schema: SCHEMA,
    title: opts.title ?? 'NLL and the entropy-production bound (nats, +-2 SE)',
    width: 420,
    height: 260,
    data: { values: rows },
    layer: [
      { mark: { type: 'errorbar', ticks: true }, encoding: { x, y: { field: 'lo', type: 'quantitative', scale: { zero: false }, title: 'nats' }, y2: { field: 'hi' } } },
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y: { field: 'value', type: 'quantitative' }, color: { field: 'label', type: 'nominal', legend: null } } },
    ],
  } as VlSpec;
}

export interface RatesInput {
  t: readonly number[];
  sdot: readonly number[];
  intrinsic: readonly number[];
  exchange: readonly number[];
  ratio: readonly number[];
}

/** Entropy rates over t (system, intrinsic, exchange; log t axis) and exchange / intrinsic. */
export function entropyRatesFigure(r: RatesInput, opts: { title?: string } = {}): VlSpec {
  const n = r.t.length;
  if (n === 0 || r.sdot.length !== n || r.intrinsic.length !== n || r.exchange.length !== n || r.ratio.length !== n) {
    throw new ShapeError('entropyRatesFigure', `rates differ in length from t (${n})`);
  }
  const rows: { t: number; value: number; rate: string }[] = [];
  const ratio: { t: number; ratio: number }[] = [];
  for (let i = 0; i < n; i++) {
    const t = r.t[i]!;
    if (!(t > 0)) continue;
    for (const [k, v] of [['system Sdot', r.sdot[i]!], ['intrinsic Sdot_i', r.intrinsic[i]!], ['exchange Sdot_e', r.exchange[i]!]] as const) if (finite(v)) rows.push({ t, value: v, rate: k });
    if (finite(r.ratio[i]!)) ratio.push({ t, ratio: r.ratio[i]! });
  }
  const x = { field: 't', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 't' };
  return {
    $schema: SCHEMA,
    title: opts.title ?? 'Entropy rates along the diffusion (generative direction)',
    vconcat: [
      {
        width: 480, height: 240, data: { values: rows }, mark: { type: 'line' },
        encoding: { x, y: { field: 'value', type: 'quantitative', scale: { type: 'symlog' }, title: 'nats / unit t' }, color: { field: 'rate', type: 'nominal', title: null } },
      },
      {
        width: 480, height: 140, data: { values: ratio },
        layer: [
          { mark: { type: 'line', color: '#444' }, encoding: { x, y: { field: 'ratio', type: 'quantitative', title: 'Sdot_e / Sdot_i' } } },
          { data: { values: [{ y: -2 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#d62728' }, encoding: { y: { field: 'y', type: 'quantitative' } } },
        ],
      },
    ],
  } as VlSpec;
}
