// Graph parsers from strings (the file reading lives in src/node/read-graph.ts). Three formats:
// edge lists (CSV/TSV/whitespace), Matrix Market coordinate files, and JSON {nodes, edges}.
// Every rejection is a ParseError naming the file, the line (or JSON path) and what was expected;
// every merge or removal is counted in the returned stats.
import { buildGraph, type BuildStats, type DuplicatePolicy, type Graph, type SelfLoopPolicy } from './graph.js';
import { ParseError, quote } from './errors.js';

/** How node ids are read: 'auto' = integers if every id is one (0-based if a 0 occurs, else 1-based), else strings. */
export type IdMode = 'auto' | 'zero' | 'one' | 'string';

export interface ParseOptions {
  /** Used in error messages. Default '<input>'. */
  fileName?: string;
  /** Undirected by default. (JSON: the file's own `directed` field is used when this is not given.) */
  directed?: boolean;
  /** 'remove' (default, counted in stats) or 'error'. */
  selfLoops?: SelfLoopPolicy;
  /** 'sum' (default), 'max', 'min', 'first' or 'error'. Files that list both (u,v) and (v,u) of an undirected edge want 'max' or 'first'. */
  duplicates?: DuplicatePolicy;
  /** Edge lists and JSON without a node list: see IdMode. */
  ids?: IdMode;
  /** Node count for integer ids (adds isolated nodes beyond the largest id); ids must be < n. */
  n?: number;
  /** Edge lists: skip the first data line (true), never (false), or when it looks like 'source,target[,weight]' ('auto', default). */
  header?: boolean | 'auto';
}

export interface ParseStats extends BuildStats {
  format: 'edgelist' | 'mtx' | 'json';
  /** How ids were finally read ('string' ids are kept in graph.labels). */
  idMode: 'zero' | 'one' | 'string';
}

export interface ParseResult {
  graph: Graph;
  stats: ParseStats;
}

const INT_RE = /^\d+$/;
const HEADER_WORDS = /^(source|target|src|dst|from|to|weight|weights|w|u|v|i|j|node1|node2|node_1|node_2|id1|id2|a|b|value)$/i;

function splitLines(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/** Splits a data line: on commas if it has any, else on tabs, else on whitespace. Empty fields are kept (and rejected later). */
function splitFields(line: string): string[] {
  if (line.includes(',')) return line.split(',').map((t) => t.trim());
  if (line.includes('\t')) return line.split('\t').map((t) => t.trim());
  return line.split(/\s+/);
}

interface RawIds {
  tokens: string[];
  loc: (k: number) => { line?: number; where?: string };
}

/**
 * Maps raw id tokens (2 per edge) to node indices. Integer ids are used as indices (shifted for
 * 1-based); 'auto' switches to compact string mapping when the integer ids are so sparse that
 * n = max id + 1 would be over twice the number of distinct ids plus 1024 (SNAP-style ids):
 * stats.idMode then says 'string' and labels keep the original ids.
 */
function mapIds(op: string, file: string, raw: RawIds, mode: IdMode, forcedN: number | undefined): { ids: Uint32Array; n: number; labels?: string[]; idMode: 'zero' | 'one' | 'string' } {
  const t = raw.tokens;
  let allInt = true;
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < t.length; k++) {
    const s = t[k]!;
    if (INT_RE.test(s)) {
      const v = Number(s);
      if (v < min) min = v;
      if (v > max) max = v;
    } else {
      allInt = false;
      if (mode === 'zero' || mode === 'one') {
        throw new ParseError(op, { file, ...raw.loc(k >> 1), expected: `an integer node id (ids: '${mode}')`, found: quote(s) });
      }
    }
  }
  let idMode: 'zero' | 'one' | 'string';
  if (mode === 'string' || !allInt) idMode = 'string';
  else if (mode === 'zero' || mode === 'one') idMode = mode;
  else idMode = min === 0 ? 'zero' : 'one';
  if (idMode !== 'string' && mode === 'auto' && forcedN === undefined) {
    const distinct = new Set(t).size;
    if (max + 1 > 2 * distinct + 1024) idMode = 'string';
  }
  const ids = new Uint32Array(t.length);
  if (idMode === 'string') {
    const index = new Map<string, number>();
    const labels: string[] = [];
    for (let k = 0; k < t.length; k++) {
      // Integer ids mapped as strings are normalised ("007" and "7" are one node).
      const key = INT_RE.test(t[k]!) ? String(Number(t[k]!)) : t[k]!;
      let i = index.get(key);
      if (i === undefined) {
        i = labels.length;
        index.set(key, i);
        labels.push(key);
      }
      ids[k] = i;
    }
    if (forcedN !== undefined && forcedN !== labels.length) {
      throw new ParseError(op, { file, expected: `n = ${forcedN} distinct node ids (option n)`, found: `${labels.length}` });
    }
    return { ids, n: labels.length, labels, idMode };
  }
  const shift = idMode === 'one' ? 1 : 0;
  const n = forcedN ?? max + 1 - shift;
  for (let k = 0; k < t.length; k++) {
    const v = Number(t[k]!) - shift;
    if (v < 0) throw new ParseError(op, { file, ...raw.loc(k >> 1), expected: 'a node id >= 1 (1-based ids)', found: quote(t[k]!) });
    if (v >= n) throw new ParseError(op, { file, ...raw.loc(k >> 1), expected: `a node id below n = ${n}${shift ? ' (1-based)' : ''}`, found: quote(t[k]!) });
    ids[k] = v;
  }
  return { ids, n, idMode };
}

function parseWeight(op: string, file: string, tok: string, line: number | undefined, where?: string): number {
  const w = tok.trim() === '' ? NaN : Number(tok);
  if (!Number.isFinite(w) || w < 0) {
    throw new ParseError(op, { file, ...(line !== undefined ? { line } : {}), ...(where !== undefined ? { where } : {}), expected: 'a finite non-negative weight', found: quote(tok) });
  }
  return w;
}

function checkN(op: string, file: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new ParseError(op, { file, expected: 'option n to be a positive integer', found: String(n) });
}

/**
 * Edge list: one edge per line, `source target [weight]`, separated by commas, tabs or spaces.
 * Lines starting with `#` or `%` and blank lines are skipped.
 */
export function parseEdgeList(text: string, options: ParseOptions = {}): ParseResult {
  const op = 'parseEdgeList';
  const file = options.fileName ?? '<input>';
  checkN(op, file, options.n);
  const lines = splitLines(text);
  const tokens: string[] = [];
  const weights: number[] = [];
  const lineOf: number[] = [];
  let sawData = false;
  const header = options.header ?? 'auto';
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (line === '' || line[0] === '#' || line[0] === '%') continue;
    const f = splitFields(line);
    if (!sawData) {
      sawData = true;
      const looksHeader = f.length >= 2 && f.length <= 3 && f.every((x) => HEADER_WORDS.test(x));
      if (header === true || (header === 'auto' && looksHeader)) continue;
    }
    if (f.length < 2 || f.length > 3 || f.some((x) => x === '')) {
      throw new ParseError(op, { file, line: li + 1, expected: "'source target [weight]' (2 or 3 fields)", found: quote(line) });
    }
    tokens.push(f[0]!, f[1]!);
    weights.push(f.length === 3 ? parseWeight(op, file, f[2]!, li + 1) : 1);
    lineOf.push(li + 1);
  }
  if (weights.length === 0) throw new ParseError(op, { file, expected: 'at least one edge', found: 'an empty graph' });
  const loc = (k: number) => ({ line: lineOf[k]! });
  const { ids, n, labels, idMode } = mapIds(op, file, { tokens, loc }, options.ids ?? 'auto', options.n);
  const m = weights.length;
  const s = new Uint32Array(m);
  const d = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    s[k] = ids[2 * k]!;
    d[k] = ids[2 * k + 1]!;
  }
  const { graph, stats } = buildGraph(n, s, d, weights, { ...buildOpts(options), ...(labels ? { labels } : {}) }, { op, file, locate: loc });
  return { graph, stats: { ...stats, format: 'edgelist', idMode } };
}

function buildOpts(o: ParseOptions) {
  return {
    directed: o.directed ?? false,
    ...(o.selfLoops ? { selfLoops: o.selfLoops } : {}),
    ...(o.duplicates ? { duplicates: o.duplicates } : {}),
  };
}

/**
 * Matrix Market coordinate file (real, integer or pattern; general or symmetric), read as the
 * adjacency matrix. A symmetric file's off-diagonal entry is one undirected edge (both
 * directions when `directed`). Diagonal entries are self-loops (policy `selfLoops`).
 */
export function parseMatrixMarket(text: string, options: ParseOptions = {}): ParseResult {
  const op = 'parseMatrixMarket';
  const file = options.fileName ?? '<input>';
  const lines = splitLines(text);
  const head = (lines[0] ?? '').trim();
  const h = head.split(/\s+/).map((x) => x.toLowerCase());
  if (h[0] !== '%%matrixmarket') throw new ParseError(op, { file, line: 1, expected: "a '%%MatrixMarket matrix coordinate <field> <symmetry>' header", found: quote(head) });
  if (h[1] !== 'matrix') throw new ParseError(op, { file, line: 1, expected: "object 'matrix'", found: quote(h[1] ?? '') });
  if (h[2] !== 'coordinate') throw new ParseError(op, { file, line: 1, expected: "format 'coordinate' (dense 'array' files are not graphs)", found: quote(h[2] ?? '') });
  const field = h[3] ?? '';
  if (field !== 'real' && field !== 'integer' && field !== 'pattern' && field !== 'double') {
    throw new ParseError(op, { file, line: 1, expected: "field 'real', 'integer' or 'pattern'", found: quote(field) });
  }
  const sym = h[4] ?? '';
  if (sym !== 'general' && sym !== 'symmetric') throw new ParseError(op, { file, line: 1, expected: "symmetry 'general' or 'symmetric'", found: quote(sym) });
  const directed = options.directed ?? false;
  let li = 1;
  const nextData = (): number => {
    while (li < lines.length) {
      const l = lines[li]!.trim();
      if (l !== '' && l[0] !== '%') return li;
      li++;
    }
    return -1;
  };
  const sizeAt = nextData();
  if (sizeAt < 0) throw new ParseError(op, { file, line: lines.length, expected: "a size line 'rows cols entries'", found: 'end of file' });
  const sz = lines[sizeAt]!.trim().split(/\s+/);
  if (sz.length !== 3 || !sz.every((x) => INT_RE.test(x))) throw new ParseError(op, { file, line: sizeAt + 1, expected: "a size line 'rows cols entries' of 3 non-negative integers", found: quote(lines[sizeAt]!) });
  const [rows, cols, nnz] = sz.map(Number) as [number, number, number];
  if (rows !== cols) throw new ParseError(op, { file, line: sizeAt + 1, expected: 'a square matrix (rows = cols)', found: `${rows} x ${cols}` });
  if (rows === 0 || nnz === 0) throw new ParseError(op, { file, line: sizeAt + 1, expected: 'at least one node and one entry', found: 'an empty graph' });
  if (options.n !== undefined && options.n !== rows) throw new ParseError(op, { file, line: sizeAt + 1, expected: `n = ${options.n} (option n)`, found: `${rows} rows` });
  li++;
  const want = field === 'pattern' ? 2 : 3;
  const s: number[] = [];
  const d: number[] = [];
  const w: number[] = [];
  const lineOf: number[] = [];
  let entries = 0;
  for (let at = nextData(); at >= 0; li++, at = nextData()) {
    const raw = lines[at]!.trim();
    const f = raw.split(/\s+/);
    if (f.length !== want) throw new ParseError(op, { file, line: at + 1, expected: field === 'pattern' ? "'row col' (pattern)" : `'row col value' (${field})`, found: quote(raw) });
    if (entries === nnz) throw new ParseError(op, { file, line: at + 1, expected: `no more than ${nnz} entries (size line)`, found: `entry ${entries + 1}: ${quote(raw)}` });
    entries++;
    const ij: number[] = [];
    for (const [tok, what] of [[f[0]!, 'row'], [f[1]!, 'column']] as const) {
      const v = INT_RE.test(tok) ? Number(tok) : NaN;
      if (!(v >= 1 && v <= rows)) throw new ParseError(op, { file, line: at + 1, expected: `a ${what} index in [1, ${rows}]`, found: quote(tok) });
      ij.push(v - 1);
    }
    let weight = 1;
    if (field !== 'pattern') {
      if (field === 'integer' && !/^[+-]?\d+$/.test(f[2]!)) throw new ParseError(op, { file, line: at + 1, expected: 'an integer value (field integer)', found: quote(f[2]!) });
      weight = parseWeight(op, file, f[2]!, at + 1);
    }
    const [i, j] = ij as [number, number];
    s.push(i); d.push(j); w.push(weight); lineOf.push(at + 1);
    if (sym === 'symmetric' && directed && i !== j) {
      s.push(j); d.push(i); w.push(weight); lineOf.push(at + 1);
    }
  }
  if (entries < nnz) throw new ParseError(op, { file, line: lines.length, expected: `${nnz} entries (size line)`, found: `${entries}` });
  const { graph, stats } = buildGraph(rows, s, d, w, { ...buildOpts(options), directed }, { op, file, locate: (k) => ({ line: lineOf[k]! }) });
  return { graph, stats: { ...stats, format: 'mtx', idMode: 'one' } };
}

/**
 * JSON: `{ "nodes"?: [...], "edges": [...], "directed"?: bool }`. Nodes are ids (string/number)
 * or objects `{ "id", "group"? }` (a `group` on every node becomes graph.groups[0]). Edges are
 * `[s, t]`, `[s, t, w]` or `{ "source", "target", "weight"? }`, referring to node ids when a
 * node list is given, else to ids read as in edge lists (option ids).
 */
export function parseGraphJson(text: string, options: ParseOptions = {}): ParseResult {
  const op = 'parseGraphJson';
  const file = options.fileName ?? '<input>';
  checkN(op, file, options.n);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // Engines word (and locate) JSON errors differently; find the offending offset ourselves.
    const at = jsonErrorOffset(text);
    const line = text.slice(0, at).split(/\r\n|\n|\r/).length;
    throw new ParseError(op, { file, line, expected: 'valid JSON', found: quote((e as Error).message) });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ParseError(op, { file, where: '(top level)', expected: 'an object {nodes?, edges}', found: Array.isArray(doc) ? 'an array' : typeof doc });
  const o = doc as Record<string, unknown>;
  if (!Array.isArray(o.edges)) throw new ParseError(op, { file, where: 'edges', expected: 'an array of edges', found: o.edges === undefined ? 'nothing' : typeof o.edges });
  if (o.directed !== undefined && typeof o.directed !== 'boolean') throw new ParseError(op, { file, where: 'directed', expected: 'a boolean', found: quote(JSON.stringify(o.directed)) });
  const edges = o.edges as unknown[];
  if (edges.length === 0) throw new ParseError(op, { file, where: 'edges', expected: 'at least one edge', found: 'an empty graph' });
  const directed = options.directed ?? (o.directed as boolean | undefined) ?? false;
  const idTok = (v: unknown, where: string): string => {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new ParseError(op, { file, where, expected: 'a node id (non-empty string or number)', found: quote(JSON.stringify(v) ?? String(v)) });
  };
  const tokens: string[] = [];
  const weights: number[] = [];
  for (let k = 0; k < edges.length; k++) {
    const e = edges[k];
    const where = `edges[${k}]`;
    let s: unknown, t: unknown, w: unknown;
    if (Array.isArray(e) && (e.length === 2 || e.length === 3)) [s, t, w] = e;
    else if (typeof e === 'object' && e !== null && !Array.isArray(e)) ({ source: s, target: t, weight: w } = e as Record<string, unknown>);
    else throw new ParseError(op, { file, where, expected: '[source, target], [source, target, weight] or {source, target, weight?}', found: quote(JSON.stringify(e) ?? String(e)) });
    tokens.push(idTok(s, `${where}.source`), idTok(t, `${where}.target`));
    if (w === undefined) weights.push(1);
    else if (typeof w !== 'number') throw new ParseError(op, { file, where: `${where}.weight`, expected: 'a finite non-negative weight', found: quote(JSON.stringify(w) ?? String(w)) });
    else weights.push(parseWeight(op, file, String(w), undefined, `${where}.weight`));
  }
  const loc = (k: number) => ({ where: `edges[${k}]` });
  let ids: Uint32Array;
  let n: number;
  let labels: string[] | undefined;
  let idMode: 'zero' | 'one' | 'string';
  let groups: Uint32Array[] | undefined;
  if (o.nodes !== undefined) {
    if (!Array.isArray(o.nodes)) throw new ParseError(op, { file, where: 'nodes', expected: 'an array of node ids or {id, group?} objects', found: typeof o.nodes });
    const nodes = o.nodes as unknown[];
    const index = new Map<string, number>();
    labels = [];
    const groupVals: unknown[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const v = nodes[i];
      const isObj = typeof v === 'object' && v !== null && !Array.isArray(v);
      const id = idTok(isObj ? (v as Record<string, unknown>).id : v, isObj ? `nodes[${i}].id` : `nodes[${i}]`);
      if (index.has(id)) throw new ParseError(op, { file, where: `nodes[${i}]`, expected: 'unique node ids', found: `${quote(id)} again` });
      index.set(id, i);
      labels.push(id);
      groupVals.push(isObj ? (v as Record<string, unknown>).group : undefined);
    }
    if (nodes.length === 0) throw new ParseError(op, { file, where: 'nodes', expected: 'at least one node', found: 'an empty list' });
    if (options.n !== undefined && options.n !== nodes.length) throw new ParseError(op, { file, where: 'nodes', expected: `n = ${options.n} nodes (option n)`, found: `${nodes.length}` });
    ids = new Uint32Array(tokens.length);
    for (let k = 0; k < tokens.length; k++) {
      const i = index.get(tokens[k]!);
      if (i === undefined) throw new ParseError(op, { file, where: `edges[${k >> 1}].${k & 1 ? 'target' : 'source'}`, expected: 'an id listed in nodes', found: quote(tokens[k]!) });
      ids[k] = i;
    }
    n = nodes.length;
    idMode = 'string';
    if (groupVals.every((g) => g !== undefined)) {
      const gi = new Map<string, number>();
      const part = new Uint32Array(n);
      groupVals.forEach((g, i) => {
        const key = JSON.stringify(g);
        if (!gi.has(key)) gi.set(key, gi.size);
        part[i] = gi.get(key)!;
      });
      groups = [part];
    }
  } else {
    ({ ids, n, labels, idMode } = mapIds(op, file, { tokens, loc }, options.ids ?? 'auto', options.n));
  }
  const m = weights.length;
  const s = new Uint32Array(m);
  const d = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    s[k] = ids[2 * k]!;
    d[k] = ids[2 * k + 1]!;
  }
  const { graph, stats } = buildGraph(n, s, d, weights, { ...buildOpts(options), directed, ...(labels ? { labels } : {}), ...(groups ? { groups } : {}) }, { op, file, locate: loc });
  return { graph, stats: { ...stats, format: 'json', idMode } };
}

/** Runs the parser for `format`. */
export function parseGraph(text: string, format: 'edgelist' | 'mtx' | 'json', options: ParseOptions = {}): ParseResult {
  if (format === 'mtx') return parseMatrixMarket(text, options);
  if (format === 'json') return parseGraphJson(text, options);
  return parseEdgeList(text, options);
}

/**
 * Offset of the first JSON syntax error in `text` (text.length if it ends early), by a small
 * recursive-descent scan; only called after JSON.parse failed, to report a line number.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string) => {
    if (text.startsWith(w, i)) i += w.length;
    else fail();
  };
  const str = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws(); str(); ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}
