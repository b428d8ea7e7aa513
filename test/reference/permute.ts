// Host reference for permute: out's axis d is x's axis perm[d] (numpy.transpose), row-major.
export function permuteRef<T extends ArrayLike<number>>(x: T, shape: readonly number[], perm: readonly number[]): { data: number[]; shape: number[] } {
  const r = shape.length;
  const outShape = perm.map((a) => shape[a]!);
  const strides = new Array<number>(r);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const n = outShape.reduce((a, b) => a * b, 1);
  const data = new Array<number>(n);
  const idx = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let d = 0; d < r; d++) src += idx[d]! * strides[perm[d]!]!;
    data[o] = x[src]!;
    for (let d = r - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { data, shape: outShape };
}
