// Float64 reference matrix exponential: scaling and squaring with the [13/13] Pade approximant
// (Higham, SIAM J. Matrix Anal. Appl. 26(4), 2005: theta_13 = 5.37), LU with partial pivoting
// for the solve. Small and readable, O(n^3).

export function matmul64(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += aik * b[k * n + j]!;
    }
  }
  return c;
}

export function norm1(a: ArrayLike<number>, n: number, off = 0): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[off + i * n + j]!);
    best = Math.max(best, s);
  }
  return best;
}

/** Solves P X = Q (n x n right-hand sides) by Gaussian elimination with partial pivoting. */
function solve(P: Float64Array, Q: Float64Array, n: number): Float64Array {
  const A = Float64Array.from(P);
  const B = Float64Array.from(Q);
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(A[i * n + k]!) > Math.abs(A[piv * n + k]!)) piv = i;
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        [A[k * n + j], A[piv * n + j]] = [A[piv * n + j]!, A[k * n + j]!];
        [B[k * n + j], B[piv * n + j]] = [B[piv * n + j]!, B[k * n + j]!];
      }
    }
    const d = A[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = A[i * n + k]! / d;
      if (f === 0) continue;
      for (let j = k; j < n; j++) A[i * n + j]! -= f * A[k * n + j]!;
      for (let j = 0; j < n; j++) B[i * n + j]! -= f * B[k * n + j]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const d = A[k * n + k]!;
    for (let j = 0; j < n; j++) {
      let s = B[k * n + j]!;
      for (let i = k + 1; i < n; i++) s -= A[k * n + i]! * B[i * n + j]!;
      B[k * n + j] = s / d;
    }
  }
  return B;
}

const PADE13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
  10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];

/** exp(a) in float64 for a row-major n x n matrix. */
export function expmRef(a: ArrayLike<number>, n: number): Float64Array {
  const nrm = norm1(a, n);
  const s = nrm > 5.371920351148152 ? Math.ceil(Math.log2(nrm / 5.371920351148152)) : 0;
  const A = Float64Array.from(a, (x) => x / 2 ** s);
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  const A2 = matmul64(A, A, n);
  const A4 = matmul64(A2, A2, n);
  const A6 = matmul64(A2, A4, n);
  const b = PADE13;
  const lin = (terms: [number, Float64Array][]) => {
    const o = new Float64Array(n * n);
    for (const [c, m] of terms) for (let i = 0; i < n * n; i++) o[i]! += c * m[i]!;
    return o;
  };
  const u1 = lin([[b[13]!, A6], [b[11]!, A4], [b[9]!, A2]]);
  const U = matmul64(A, lin([[1, matmul64(A6, u1, n)], [b[7]!, A6], [b[5]!, A4], [b[3]!, A2], [b[1]!, I]]), n);
  const v1 = lin([[b[12]!, A6], [b[10]!, A4], [b[8]!, A2]]);
  const V = lin([[1, matmul64(A6, v1, n)], [b[6]!, A6], [b[4]!, A4], [b[2]!, A2], [b[0]!, I]]);
  let F = solve(lin([[1, V], [-1, U]]), lin([[1, V], [1, U]]), n);
  for (let k = 0; k < s; k++) F = matmul64(F, F, n);
  return F;
}
