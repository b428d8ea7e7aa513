// Float64 reference for symmetric eigenproblems: cyclic Jacobi (Golub & Van Loan 8.5.2) with
// the relative threshold |a_pq| <= eps sqrt(|a_pp a_qq|), so small eigenvalues of graded
// positive definite matrices come out to full relative accuracy. O(n^3) per sweep; fine for
// the n <= 257 the tests use.

export interface Eigen64 {
  /** Ascending. */
  values: Float64Array;
  /** Row-major n x n; column j belongs to values[j]. */
  vectors: Float64Array;
}

export function eighRef(a: ArrayLike<number>, n: number): Eigen64 {
  const A = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  const eps = 2 ** -53;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        const app = A[p * n + p]!;
        const aqq = A[q * n + q]!;
        if (Math.abs(apq) <= eps * Math.sqrt(Math.abs(app * aqq)) || apq === 0) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(1 + theta * theta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + p] = app - t * apq;
        A[q * n + q] = aqq + t * apq;
        A[p * n + q] = 0;
        A[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[i * n + i]! - A[j * n + j]!);
  const values = Float64Array.from(order, (i) => A[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let r = 0; r < n; r++) vectors[r * n + dst] = V[r * n + src]!;
  });
  return { values, vectors };
}

/** Graph Laplacians with known spectra, as dense row-major float32 (exact small integers). */
export function laplacian(n: number, edges: readonly (readonly [number, number])[]): Float32Array {
  const L = new Float32Array(n * n);
  for (const [i, j] of edges) {
    if (i === j) continue;
    L[i * n + j]! -= 1;
    L[j * n + i]! -= 1;
    L[i * n + i]! += 1;
    L[j * n + j]! += 1;
  }
  return L;
}

export function ringEdges(n: number): [number, number][] {
  if (n === 1) return [];
  if (n === 2) return [[0, 1]];
  return Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as [number, number]);
}

export function completeEdges(n: number): [number, number][] {
  const e: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) e.push([i, j]);
  return e;
}

export function starEdges(n: number): [number, number][] {
  return Array.from({ length: n - 1 }, (_, i) => [0, i + 1] as [number, number]);
}

/** L x L periodic lattice (L >= 3), node (x, y) = x * L + y. */
export function torusEdges(side: number): [number, number][] {
  const e: [number, number][] = [];
  for (let x = 0; x < side; x++) {
    for (let y = 0; y < side; y++) {
      e.push([x * side + y, ((x + 1) % side) * side + y]);
      e.push([x * side + y, x * side + ((y + 1) % side)]);
    }
  }
  return e;
}

/** C_n for n >= 3; C_2 is the single edge (spectrum {0, 2}) as ringEdges(2) builds it. */
export const ringSpectrum = (n: number): number[] => n === 2 ? [0, 2] :
  Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos((2 * Math.PI * k) / n)).sort((x, y) => x - y);
export const completeSpectrum = (n: number): number[] => [0, ...Array(n - 1).fill(n)];
export const starSpectrum = (n: number): number[] => (n === 1 ? [0] : n === 2 ? [0, 2] : [0, ...Array(n - 2).fill(1), n]);
export function torusSpectrum(side: number): number[] {
  const r = ringSpectrum(side);
  const out: number[] = [];
  for (const x of r) for (const y of r) out.push(x + y);
  return out.sort((x, y) => x - y);
}
