// Agreement between two labelings of the same nodes: normalised mutual information (arithmetic
// normalisation, as sklearn's default) and the adjusted Rand index (Hubert & Arabie 1985).
// Labels are any non-negative integers; they need not be contiguous.
import { ShapeError, ValueError } from '../../runtime/errors.js';

function contingency(op: string, a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) throw new ShapeError(op, `labelings differ in length: ${a.length} and ${b.length}`);
  if (a.length === 0) throw new ShapeError(op, 'labelings are empty');
  const ca = codes(op, a);
  const cb = codes(op, b);
  const ka = ca.count;
  const rows = new Float64Array(ka);
  const cols = new Float64Array(cb.count);
  const joint = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const x = ca.codes[i]!;
    const y = cb.codes[i]!;
    rows[x]++;
    cols[y]++;
    const key = y * ka + x;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  return { n: a.length, rows, cols, joint, ka };
}

function codes(op: string, a: ArrayLike<number>): { codes: Uint32Array; count: number } {
  const m = new Map<number, number>();
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (!Number.isInteger(x) || x < 0) throw new ValueError(op, `label ${x} at index ${i} is not a non-negative integer`);
    let c = m.get(x);
    if (c === undefined) m.set(x, (c = m.size));
    out[i] = c;
  }
  return { codes: out, count: m.size };
}

function entropy(counts: ArrayLike<number>, n: number): number {
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c > 0) h -= (c / n) * Math.log(c / n);
  }
  return h;
}

/**
 * Normalised mutual information MI / ((H(a) + H(b)) / 2), in [0, 1]. Two one-cluster labelings
 * give 1 (they agree); one trivial and one not gives 0.
 */
export function nmi(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, rows, cols, joint, ka } = contingency('nmi', a, b);
  const ha = entropy(rows, n);
  const hb = entropy(cols, n);
  if (ha === 0 && hb === 0) return 1;
  // MI summed term by term: H(a) + H(b) - H(a, b) would lose digits when they nearly cancel.
  let mi = 0;
  for (const [key, c] of joint) {
    const x = key % ka;
    const y = (key - x) / ka;
    mi += (c / n) * Math.log((c * n) / (rows[x]! * cols[y]!));
  }
  return Math.min(1, Math.max(0, mi / ((ha + hb) / 2)));
}

const pairs = (x: number) => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index: (RI - E[RI]) / (max RI - E[RI]); 1 for identical partitions, about 0 for
 * independent ones, negative below chance. Identical trivial partitions (all one cluster, or all
 * singletons on both sides) give 1.
 */
export function ari(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, rows, cols, joint } = contingency('ari', a, b);
  let sumCells = 0;
  for (const c of joint.values()) sumCells += pairs(c);
  let sumA = 0;
  for (const r of rows) sumA += pairs(r);
  let sumB = 0;
  for (const c of cols) sumB += pairs(c);
  if (n === 1) return 1;
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  if (max === expected) return 1; // both partitions trivial in the same way
  return (sumCells - expected) / (max - expected);
}
