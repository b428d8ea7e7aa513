// Host reference for Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as
// easy as 1, 2, 3", SC'11) and for the exact float32 arithmetic that randomUniform and
// randomNormal do on the GPU. Written from the paper's definition with BigInt products so it
// shares nothing with the WGSL 16-bit-limb multiply it checks.

const M0 = 0xd2511f53n;
const M1 = 0xcd9e8d57n;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

function mulhilo(a: bigint, b: number): [number, number] {
  const p = a * BigInt(b >>> 0);
  return [Number(p >> 32n), Number(p & 0xffffffffn)];
}

/** Philox4x32 with `rounds` rounds on counter c (4 words) and key k (2 words). */
export function philox4x32(c: readonly number[], k: readonly number[], rounds = 10): [number, number, number, number] {
  let [c0, c1, c2, c3] = c.map((x) => x >>> 0) as [number, number, number, number];
  let [k0, k1] = k.map((x) => x >>> 0) as [number, number];
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const [hi0, lo0] = mulhilo(M0, c0);
    const [hi1, lo1] = mulhilo(M1, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
  }
  return [c0, c1, c2, c3];
}

const MASK32 = 0xffffffffn;

/** The u32 stream of randomBits: word i is lane i % 4 of Philox(counter = offset + floor(i / 4), key = seed). */
export function philoxStream(n: number, seed: bigint, offset = 0n): Uint32Array {
  const key = [Number(seed & MASK32), Number((seed >> 32n) & MASK32)];
  const out = new Uint32Array(n);
  for (let b = 0; 4 * b < n; b++) {
    const ctr = (offset + BigInt(b)) & ((1n << 128n) - 1n);
    const c = [0, 1, 2, 3].map((w) => Number((ctr >> BigInt(32 * w)) & MASK32));
    const r = philox4x32(c, key);
    for (let l = 0; l < 4 && 4 * b + l < n; l++) out[4 * b + l] = r[l]!;
  }
  return out;
}

const f = Math.fround;

/** randomUniform's mapping of one word, in the GPU's exact float32 steps: low + (high - low) * u, u = (x >> 8) 2^-24, clamped below high. */
export function uniformFromBits(x: number, low: number, high: number): number {
  const u = (x >>> 8) * 2 ** -24;
  const v = f(f(low) + f(f(f(high) - f(low)) * u));
  return v < f(high) ? v : prevBelow(f(high));
}

/** The largest float32 below v (v finite). */
export function prevBelow(v: number): number {
  if (v === 0) return -(2 ** -149);
  const b = new Float32Array([v]);
  const u = new Uint32Array(b.buffer);
  u[0] = v > 0 ? u[0]! - 1 : u[0]! + 1;
  return b[0]!;
}

// ---- randomNormal's float32 arithmetic, step for step (see shaders/core/philox_normal.wgsl) ----
// Products and sums of two float32 values rounded once to float32: computing them in float64
// and rounding with Math.fround gives the correctly rounded float32 result (53 >= 2*24 + 2).
const mul = (a: number, b: number) => f(a * b);
const add = (a: number, b: number) => f(a + b);
const F = (s: number) => f(s); // a WGSL f32 literal

function bitsOf(v: number): number {
  return new Uint32Array(new Float32Array([v]).buffer)[0]!;
}
function fromBits(b: number): number {
  return new Float32Array(new Uint32Array([b >>> 0]).buffer)[0]!;
}

export function lnUnit(u: number): number {
  const bits = bitsOf(u);
  let e = (bits >>> 23) - 127;
  let mb = (bits & 0x7fffff) | 0x3f800000;
  if (mb > 0x3fb504f3) {
    mb -= 0x00800000;
    e += 1;
  }
  const m = fromBits(mb);
  const d = add(m, 1);
  let y = add(F(0.99258), -mul(F(0.24264), d));
  for (let i = 0; i < 3; i++) y = mul(y, add(2, -mul(d, y)));
  const s = mul(add(m, -1), y);
  const s2 = mul(s, s);
  let q = F(0.09090909);
  for (const c of [0.11111111, 0.14285715, 0.2, 0.33333334, 1.0]) q = add(F(c), mul(s2, q));
  const lnm = mul(2, mul(s, q));
  return add(mul(e, F(0.6931472)), lnm);
}

export function sqrtPos(w: number): number {
  let y = fromBits((0x5f3759df - (bitsOf(w) >>> 1)) >>> 0);
  const h = mul(0.5, w);
  for (let i = 0; i < 3; i++) y = mul(y, add(1.5, -mul(mul(h, y), y)));
  return mul(w, y);
}

function sinP(x: number): number {
  const x2 = mul(x, x);
  let q = F(-2.5052108e-8);
  for (const c of [2.7557319e-6, -1.984127e-4, 8.333334e-3, -0.16666667, 1.0]) q = add(F(c), mul(x2, q));
  return mul(x, q);
}

function cosP(x: number): number {
  const x2 = mul(x, x);
  let q = F(2.0876756e-9);
  for (const c of [-2.755732e-7, 2.4801588e-5, -1.3888889e-3, 4.1666668e-2, -0.5]) q = add(F(c), mul(x2, q));
  return add(1, mul(x2, q));
}

export function cosSin(x: number): [number, number] {
  const m = x >>> 8;
  const q = m >>> 22;
  const a = m & 0x3fffff;
  const step = F(3.7450702e-7);
  let c: number, s: number;
  if (a <= 0x200000) {
    const t = mul(a, step);
    c = cosP(t);
    s = sinP(t);
  } else {
    const t = mul(0x400000 - a, step);
    c = sinP(t);
    s = cosP(t);
  }
  if (q === 0) return [c, s];
  if (q === 1) return [-s, c];
  if (q === 2) return [-c, -s];
  return [s, -c];
}

/** The two normals randomNormal makes from words (x0, x1), in the GPU's exact float32 steps. */
export function normalPairFromBits(x0: number, x1: number, mean: number, std: number): [number, number] {
  const u1 = ((x0 >>> 8) + 1) * 2 ** -24;
  const r = sqrtPos(mul(-2, lnUnit(u1)));
  const [c, s] = cosSin(x1);
  const m = f(mean), sd = f(std);
  return [add(m, mul(sd, mul(r, c))), add(m, mul(sd, mul(r, s)))];
}

/** The same pair in float64 (Math.log, Math.cos): the accuracy yardstick. */
export function normalPairF64(x0: number, x1: number): [number, number] {
  const u1 = ((x0 >>> 8) + 1) * 2 ** -24;
  const r = Math.sqrt(-2 * Math.log(u1));
  const t = 2 * Math.PI * (x1 >>> 8) * 2 ** -24;
  return [r * Math.cos(t), r * Math.sin(t)];
}
