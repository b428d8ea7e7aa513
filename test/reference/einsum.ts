// Float64 einsum by one nested loop over every index: the definition, with no path and no
// cleverness. Written independently of src/ops/einsum-path.ts (its own small parser) so the
// two check each other. '...' is expanded to capital-free private letters; broadcasting of
// '...' dimensions of size 1 is supported.

export interface RefOperand {
  data: ArrayLike<number>;
  shape: readonly number[];
}

export function einsumRef(equation: string, ops: readonly RefOperand[], abs = false): { data: Float64Array; shape: number[] } {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  const subs = lhs.split(',');
  // Expand '...' into per-dimension pseudo letters '0','1',... right-aligned across operands.
  let ellRank = 0;
  for (let i = 0; i < subs.length; i++) {
    if (subs[i]!.includes('...')) ellRank = Math.max(ellRank, ops[i]!.shape.length - subs[i]!.replace('...', '').length);
  }
  const ellLetters = Array.from({ length: ellRank }, (_, j) => String(j));
  const expanded = subs.map((s, i) => {
    if (!s.includes('...')) return s.split('');
    const n = ops[i]!.shape.length - s.replace('...', '').length;
    const [pre, post] = s.split('...') as [string, string];
    return [...pre.split(''), ...ellLetters.slice(ellRank - n), ...post.split('')];
  });
  const size = new Map<string, number>();
  expanded.forEach((labs, i) =>
    labs.forEach((c, k) => {
      const d = ops[i]!.shape[k]!;
      if (!size.has(c) || size.get(c) === 1) size.set(c, d);
    }),
  );
  let out: string[];
  if (rhs !== undefined) {
    const [pre, post] = rhs.includes('...') ? (rhs.split('...') as [string, string]) : [rhs, ''];
    out = rhs.includes('...') ? [...pre.split(''), ...ellLetters, ...post.split('')] : rhs.split('');
  } else {
    const count = new Map<string, number>();
    for (const labs of expanded) for (const c of labs) if (!ellLetters.includes(c)) count.set(c, (count.get(c) ?? 0) + 1);
    out = [...ellLetters, ...[...count].filter(([, n]) => n === 1).map(([c]) => c).sort()];
  }
  const all = [...size.keys()];
  const outShape = out.map((c) => size.get(c)!);
  const outStrides = out.map((_, k) => outShape.slice(k + 1).reduce((x, y) => x * y, 1));
  const result = new Float64Array(outShape.reduce((x, y) => x * y, 1));
  const value = new Map<string, number>(all.map((c) => [c, 0]));
  const total = all.reduce((x, c) => x * size.get(c)!, 1);
  for (let t = 0; t < total; t++) {
    let rem = t;
    for (let q = all.length - 1; q >= 0; q--) {
      const s = size.get(all[q]!)!;
      value.set(all[q]!, rem % s);
      rem = Math.floor(rem / s);
    }
    let prod = 1;
    for (let i = 0; i < ops.length; i++) {
      const shape = ops[i]!.shape;
      let idx = 0;
      expanded[i]!.forEach((c, k) => {
        // a '...' dimension of size 1 broadcasts: its index is always 0
        idx = idx * shape[k]! + (shape[k] === 1 ? 0 : value.get(c)!);
      });
      const v = ops[i]!.data[idx]!;
      prod *= abs ? Math.abs(v) : v;
    }
    let o = 0;
    out.forEach((c, k) => (o += value.get(c)! * outStrides[k]!));
    result[o] += prod;
  }
  return { data: result, shape: outShape };
}
