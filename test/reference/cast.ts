// Float64 references for cast: the conversion rules, written with ordinary arithmetic (not the
// bit manipulations the kernels use).

/** Nearest f16 value to x, ties to even; +-Infinity beyond the largest finite half (65504). */
export function roundToF16(x: number): number {
  if (Number.isNaN(x) || !Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  // spacing of halves around a: 2^-24 below 2^-14 (subnormals), else 2^(e - 10)
  const e = Math.max(-14, Math.floor(Math.log2(a)));
  const ulp = 2 ** (e - 10);
  const q = a / ulp; // exact: a power-of-two scale
  let r = Math.floor(q);
  const frac = q - r;
  if (frac > 0.5 || (frac === 0.5 && r % 2 === 1)) r += 1;
  const v = r * ulp;
  const out = v > 65504 ? Infinity : v;
  return x < 0 ? -out : out;
}

/** float -> i32 / u32: truncate toward zero, saturate at the largest float32 in range, NaN -> 0. */
export function floatToInt(x: number, dtype: 'i32' | 'u32'): number {
  if (Number.isNaN(x)) return 0;
  const [lo, hi] = dtype === 'i32' ? [-(2 ** 31), 2147483520] : [0, 4294967040];
  return Math.trunc(Math.min(hi, Math.max(lo, x))) + 0; // + 0: integers have no -0
}
