// Float64 reference for alpha * op(A) op(B) with numpy batch broadcasting. Also returns
// sum_k |alpha a_ik b_kj| per element, the magnitude the f32 error bound scales with.
export interface MatmulRef {
  out: Float64Array;
  absSum: Float64Array;
  shape: number[];
}

export function matmulRef(
  a: ArrayLike<number>, aShape: readonly number[],
  b: ArrayLike<number>, bShape: readonly number[],
  { transA = false, transB = false, alpha = 1 } = {},
): MatmulRef {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const m = transA ? ac : ar, k = transA ? ar : ac, n = transB ? br : bc;
  if ((transB ? bc : br) !== k) throw new Error('matmulRef: inner dimensions differ');
  const aB = aShape.slice(0, -2), bB = bShape.slice(0, -2);
  const rank = Math.max(aB.length, bB.length);
  const pa = [...Array(rank - aB.length).fill(1), ...aB] as number[];
  const pb = [...Array(rank - bB.length).fill(1), ...bB] as number[];
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const nb = batch.reduce((x, y) => x * y, 1);
  const out = new Float64Array(nb * m * n);
  const absSum = new Float64Array(nb * m * n);
  const idx = new Array<number>(rank).fill(0);
  for (let t = 0; t < nb; t++) {
    let rem = t;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rem % batch[d]!;
      rem = Math.floor(rem / batch[d]!);
    }
    let ia = 0, ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * pa[d]! + (pa[d] === 1 ? 0 : idx[d]!);
      ib = ib * pb[d]! + (pb[d] === 1 ? 0 : idx[d]!);
    }
    const ao = ia * ar * ac, bo = ib * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0, sa = 0;
        for (let p = 0; p < k; p++) {
          const x = a[ao + (transA ? p * ac + i : i * ac + p)]!;
          const y = b[bo + (transB ? j * bc + p : p * bc + j)]!;
          s += x * y;
          sa += Math.abs(x * y);
        }
        out[(t * m + i) * n + j] = alpha * s;
        absSum[(t * m + i) * n + j] = Math.abs(alpha) * sa;
      }
    }
  }
  return { out, absSum, shape: [...batch, m, n] };
}
