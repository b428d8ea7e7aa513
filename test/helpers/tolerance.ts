// The tolerance rule, stated once. Float32 unit roundoff u = 2^-24. A result computed by k
// rounded operations in a sum of terms t_i has error at most about k * u * sum |t_i| (Higham,
// "Accuracy and Stability of Numerical Algorithms", 3.1); pairwise/tree sums reduce k to
// ceil(log2 n) + 1. Transcendental WGSL builtins (exp, log, tanh, ...) are specified with
// their own ULP bounds (WGSL spec 15.5.x "Floating Point Accuracy"): a few ULPs, or an
// absolute bound near 0; we allow `ulps` of them.
export const U32 = 2 ** -24;

/** Bound for a sum/dot of terms with absolute sum `absSum`, accumulated in `depth` rounding steps. */
export function sumBound(absSum: number, depth: number): number {
  return depth * U32 * absSum + 1e-30;
}

/** Pairwise-order depth for n terms. */
export function pairwiseDepth(n: number): number {
  return Math.ceil(Math.log2(Math.max(2, n))) + 1;
}

export interface Mismatch {
  index: number;
  got: number;
  want: number;
  bound: number;
}

/** Returns the first element outside its bound, or null. `bound(i)` gives element i's allowed error. */
export function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>, bound: (i: number) => number): Mismatch | null {
  if (got.length !== want.length) return { index: -1, got: got.length, want: want.length, bound: 0 };
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) ? !Number.isNaN(g) : !(Math.abs(g - w) <= bound(i)) && g !== w) {
      return { index: i, got: g, want: w, bound: bound(i) };
    }
  }
  return null;
}

/** Elementwise bound of `ulps` ULPs of the float32 result plus an absolute floor. */
export function ulpBound(want: ArrayLike<number>, ulps: number, absFloor = 0): (i: number) => number {
  return (i) => ulps * U32 * 2 * Math.abs(want[i]!) + absFloor;
}
