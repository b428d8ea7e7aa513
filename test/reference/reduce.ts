// Float64 references for src/ops/reduce.ts: x viewed as [outer, len, inner], reduced along len.
// Sums are accumulated in float64 with Neumaier compensation, so the reference error
// (~2^-53 * sum|x|) is far below the float32 bounds being tested.

export interface AxisLayout {
  outer: number;
  len: number;
  inner: number;
}

export function axisLayout(shape: readonly number[], axis?: number): AxisLayout {
  const n = shape.reduce((a, b) => a * b, 1);
  if (axis === undefined) return { outer: 1, len: n, inner: 1 };
  const ax = axis < 0 ? axis + shape.length : axis;
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  return { outer: prod(shape.slice(0, ax)), len: shape[ax]!, inner: prod(shape.slice(ax + 1)) };
}

/** Applies f to each column's elements (a fresh array of the len values) and returns one result per column, row-major [outer, inner]. */
export function reduceColumns(x: ArrayLike<number>, l: AxisLayout, f: (col: number[]) => number): Float64Array {
  const out = new Float64Array(l.outer * l.inner);
  for (let o = 0; o < l.outer; o++) {
    for (let i = 0; i < l.inner; i++) {
      const col = new Array<number>(l.len);
      for (let j = 0; j < l.len; j++) col[j] = x[(o * l.len + j) * l.inner + i]!;
      out[o * l.inner + i] = f(col);
    }
  }
  return out;
}

/** Neumaier-compensated float64 sum. */
export function sum64(v: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const x of v) {
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
    s = t;
  }
  return s + c;
}

export const absSum64 = (v: readonly number[]) => sum64(v.map(Math.abs));
export const max64 = (v: readonly number[]) => v.reduce((a, b) => Math.max(a, b), -Infinity);
export const min64 = (v: readonly number[]) => v.reduce((a, b) => Math.min(a, b), Infinity);
export const mean64 = (v: readonly number[]) => sum64(v) / v.length;

/** log(sum(exp(v))) in float64, shifted by the max so it cannot overflow. */
export function logsumexp64(v: readonly number[]): number {
  const m = max64(v);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(sum64(v.map((x) => Math.exp(x - m))));
}
