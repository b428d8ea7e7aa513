// Float64 reference of the score MLP in src/ops/nn.ts (same flat layout: layer l is a block
// [n_in + 1, n_out] row-major with the bias as the last row). Small and readable; tests only.
export interface RefLayer {
  nIn: number;
  nOut: number;
  offset: number;
  act: number; // 0 identity, 1 SiLU, 2 tanh, 3 ReLU
  residual: boolean;
}

export function act(a: number, v: number): number {
  if (a === 1) return v / (1 + Math.exp(-v));
  if (a === 2) return Math.tanh(v);
  if (a === 3) return Math.max(v, 0);
  return v;
}

export function dact(a: number, v: number): number {
  if (a === 1) {
    const s = 1 / (1 + Math.exp(-v));
    return s * (1 + v * (1 - s));
  }
  if (a === 2) return 1 - Math.tanh(v) ** 2;
  if (a === 3) return v > 0 ? 1 : 0;
  return 1;
}

/** Network input row: [x, sin(2 pi w t), cos(2 pi w t)]. */
export function embed(x: ArrayLike<number>, t: number, w: ArrayLike<number>, nf: number): number[] {
  const out = Array.from(x);
  for (let j = 0; j < nf; j++) out.push(Math.sin(2 * Math.PI * w[j]! * t));
  for (let j = 0; j < nf; j++) out.push(Math.cos(2 * Math.PI * w[j]! * t));
  return out;
}

export interface RefPass {
  inputs: number[][]; // input of each layer
  z: number[][]; // pre-activation of each layer
  y: number[]; // output (before the row scale)
}

export function forward(layers: RefLayer[], p: ArrayLike<number>, xin: number[]): RefPass {
  const inputs: number[][] = [];
  const z: number[][] = [];
  let h = xin;
  for (const L of layers) {
    inputs.push(h);
    const zz = new Array<number>(L.nOut).fill(0);
    const out = new Array<number>(L.nOut);
    for (let j = 0; j < L.nOut; j++) {
      let s = p[L.offset + L.nIn * L.nOut + j]!;
      for (let k = 0; k < L.nIn; k++) s += h[k]! * p[L.offset + k * L.nOut + j]!;
      zz[j] = s;
      out[j] = act(L.act, s) + (L.residual ? h[j]! : 0);
    }
    z.push(zz);
    h = out;
  }
  return { inputs, z, y: h };
}

/** Gradients of c . y with respect to the parameters (added into g) and the net input row. */
export function backward(layers: RefLayer[], p: ArrayLike<number>, pass: RefPass, c: number[], g: Float64Array): number[] {
  let da = c.slice(); // dL/d(output of layer l)
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!;
    const dz = da.map((v, j) => v * dact(L.act, pass.z[l]![j]!));
    const x = pass.inputs[l]!;
    for (let k = 0; k <= L.nIn; k++) {
      const xv = k === L.nIn ? 1 : x[k]!;
      for (let j = 0; j < L.nOut; j++) g[L.offset + k * L.nOut + j]! += xv * dz[j]!;
    }
    const below = new Array<number>(L.nIn).fill(0);
    for (let k = 0; k < L.nIn; k++) {
      let s = L.residual ? da[k]! : 0;
      for (let j = 0; j < L.nOut; j++) s += dz[j]! * p[L.offset + k * L.nOut + j]!;
      below[k] = s;
    }
    da = below;
  }
  return da;
}

/** Jacobian dy/dx ([d][d]) of the net at one input row (x = first d entries of xin). */
export function jacobian(layers: RefLayer[], p: ArrayLike<number>, xin: number[], d: number): number[][] {
  const pass = forward(layers, p, xin);
  const J: number[][] = [];
  for (let i = 0; i < d; i++) {
    const c = new Array<number>(d).fill(0);
    c[i] = 1;
    const gin = backward(layers, p, pass, c, new Float64Array(p.length));
    J.push(gin.slice(0, d));
  }
  return J;
}

// ---- magnitudes for rounding-error bounds ------------------------------------------------------
// Running the same recurrences on absolute values gives, for every computed quantity q, a
// magnitude |q|_abs with |fl(q) - q| <= K u |q|_abs to first order, K the number of rounded
// operations along the longest dependency path (Higham 3.1). The activations enter through their
// Lipschitz bounds: |act'| <= 1.1 (SiLU; 1 for tanh and ReLU), |act''| <= 0.8.
export function forwardAbs(layers: RefLayer[], p: ArrayLike<number>, xinAbs: number[]): { z: number[][]; y: number[] } {
  const z: number[][] = [];
  let h = xinAbs;
  for (const L of layers) {
    const zz = new Array<number>(L.nOut);
    const out = new Array<number>(L.nOut);
    for (let j = 0; j < L.nOut; j++) {
      let s = Math.abs(p[L.offset + L.nIn * L.nOut + j]!);
      for (let k = 0; k < L.nIn; k++) s += h[k]! * Math.abs(p[L.offset + k * L.nOut + j]!);
      zz[j] = s;
      out[j] = (L.act === 0 ? 1 : 1.1) * s + (L.residual ? h[j]! : 0);
    }
    z.push(zz);
    h = out;
  }
  return { z, y: h };
}

/** Magnitudes of the parameter gradients (g) and input gradient of c . y. */
export function backwardAbs(layers: RefLayer[], p: ArrayLike<number>, pass: RefPass, inAbs: number[][], zAbs: number[][], c: number[], g: Float64Array): number[] {
  let da = c.map(Math.abs);
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!;
    const dz = da.map((v, j) => (L.act === 0 ? v : 1.1 * v + 0.8 * v * zAbs[l]![j]!));
    const x = inAbs[l]!;
    for (let k = 0; k <= L.nIn; k++) {
      const xv = k === L.nIn ? 1 : x[k]!;
      for (let j = 0; j < L.nOut; j++) g[L.offset + k * L.nOut + j]! += xv * dz[j]!;
    }
    const below = new Array<number>(L.nIn).fill(0);
    for (let k = 0; k < L.nIn; k++) {
      let s = L.residual ? da[k]! : 0;
      for (let j = 0; j < L.nOut; j++) s += dz[j]! * Math.abs(p[L.offset + k * L.nOut + j]!);
      below[k] = s;
    }
    da = below;
  }
  void pass;
  return da;
}

/** Input magnitudes of every layer (for backwardAbs). */
export function layerInputsAbs(layers: RefLayer[], p: ArrayLike<number>, xinAbs: number[]): number[][] {
  const out: number[][] = [];
  let h = xinAbs;
  for (const L of layers) {
    out.push(h);
    const next = new Array<number>(L.nOut);
    for (let j = 0; j < L.nOut; j++) {
      let s = Math.abs(p[L.offset + L.nIn * L.nOut + j]!);
      for (let k = 0; k < L.nIn; k++) s += h[k]! * Math.abs(p[L.offset + k * L.nOut + j]!);
      next[j] = (L.act === 0 ? 1 : 1.1) * s + (L.residual ? h[j]! : 0);
    }
    h = next;
  }
  return out;
}
