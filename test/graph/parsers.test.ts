import { describe, expect, it } from 'vitest';
import { parseEdgeList, parseMatrixMarket, parseGraphJson, ParseError, DiffrgError, type Graph } from '../../src/index.js';

const edges = (g: Graph) => Array.from(g.src, (s, k) => [s, g.dst[k]!, g.weight[k]!]);

/** Runs fn, expects a ParseError, and checks that its message names the file, line (or path) and expectation. */
function parseFails(fn: () => unknown, file: string, loc: number | string | null, expected: RegExp): ParseError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ParseError);
  expect(err).toBeInstanceOf(DiffrgError);
  const pe = err as ParseError;
  expect(pe.file).toBe(file);
  expect(pe.message).toContain(file);
  if (typeof loc === 'number') {
    expect(pe.line).toBe(loc);
    expect(pe.message).toContain(`${file}:${loc}:`);
  } else if (typeof loc === 'string') {
    expect(pe.where).toBe(loc);
    expect(pe.message).toContain(loc);
  }
  expect(pe.message).toMatch(expected);
  expect(pe.message).toContain('expected');
  return pe;
}

describe('edge lists', () => {
  it('reads whitespace, CSV and TSV with comments and 0-based ids', () => {
    const text = '# comment\n% also a comment\n0 1\n1 2\n\n2 0\n';
    const { graph, stats } = parseEdgeList(text);
    expect(graph.n).toBe(3);
    expect(graph.directed).toBe(false);
    expect(edges(graph)).toEqual([[0, 1, 1], [0, 2, 1], [1, 2, 1]]);
    expect(stats).toMatchObject({ format: 'edgelist', idMode: 'zero', edgesRead: 3, duplicatesMerged: 0, selfLoopsRemoved: 0 });
    expect(edges(parseEdgeList('0,1,2.5\r\n1,2,0.5\r\n').graph)).toEqual([[0, 1, 2.5], [1, 2, 0.5]]);
    expect(edges(parseEdgeList('0\t1\t2\n1\t2\t3\n').graph)).toEqual([[0, 1, 2], [1, 2, 3]]);
    expect(edges(parseEdgeList('0 , 1 , 4\n').graph)).toEqual([[0, 1, 4]]);
  });

  it('auto-detects 1-based ids, and honours ids/n overrides', () => {
    const one = parseEdgeList('1 2\n2 3\n');
    expect(one.stats.idMode).toBe('one');
    expect(one.graph.n).toBe(3);
    expect(edges(one.graph)).toEqual([[0, 1, 1], [1, 2, 1]]);
    const forced = parseEdgeList('1 2\n2 3\n', { ids: 'zero' });
    expect(forced.graph.n).toBe(4);
    expect(edges(forced.graph)).toEqual([[1, 2, 1], [2, 3, 1]]);
    const padded = parseEdgeList('0 1\n', { n: 5 });
    expect(padded.graph.n).toBe(5);
  });

  it('maps string ids in order of first appearance and keeps them as labels', () => {
    const { graph, stats } = parseEdgeList('alice bob 2\nbob carol\ncarol alice 1\n');
    expect(stats.idMode).toBe('string');
    expect(graph.labels).toEqual(['alice', 'bob', 'carol']);
    expect(edges(graph)).toEqual([[0, 1, 2], [0, 2, 1], [1, 2, 1]]);
  });

  it('maps very sparse integer ids compactly (SNAP-style) and says so', () => {
    const { graph, stats } = parseEdgeList('1000000 2000000\n2000000 3000000\n');
    expect(stats.idMode).toBe('string');
    expect(graph.n).toBe(3);
    expect(graph.labels).toEqual(['1000000', '2000000', '3000000']);
  });

  it('skips a header line that names the columns', () => {
    const { graph } = parseEdgeList('source,target,weight\n0,1,3\n');
    expect(edges(graph)).toEqual([[0, 1, 3]]);
    expect(parseEdgeList('a b\nc d\n', { header: true }).graph.labels).toEqual(['c', 'd']);
  });

  it('merges duplicates (weights summed by default, other policies on request) and counts them', () => {
    const text = '0 1 1\n1 0 2\n0 1 4\n1 2 1\n';
    const sum = parseEdgeList(text);
    expect(edges(sum.graph)).toEqual([[0, 1, 7], [1, 2, 1]]);
    expect(sum.stats.duplicatesMerged).toBe(2);
    expect(edges(parseEdgeList(text, { duplicates: 'max' }).graph)).toEqual([[0, 1, 4], [1, 2, 1]]);
    expect(edges(parseEdgeList(text, { duplicates: 'first' }).graph)).toEqual([[0, 1, 1], [1, 2, 1]]);
    // Directed: (1,0) is a different edge.
    const dir = parseEdgeList(text, { directed: true });
    expect(dir.graph.directed).toBe(true);
    expect(edges(dir.graph)).toEqual([[0, 1, 5], [1, 0, 2], [1, 2, 1]]);
    expect(dir.stats.duplicatesMerged).toBe(1);
    parseFails(() => parseEdgeList(text, { duplicates: 'error', fileName: 'd.txt' }), 'd.txt', 2, /no repeated edges/);
  });

  it('removes self-loops by default (counted) or refuses them', () => {
    const r = parseEdgeList('0 0\n0 1\n1 1 5\n');
    expect(edges(r.graph)).toEqual([[0, 1, 1]]);
    expect(r.stats.selfLoopsRemoved).toBe(2);
    parseFails(() => parseEdgeList('0 1\n1 1\n', { selfLoops: 'error', fileName: 'loops.txt' }), 'loops.txt', 2, /no self-loops/);
  });

  it('rejects malformed lines, bad weights, bad ids and empty input with file:line', () => {
    parseFails(() => parseEdgeList('0 1\n2\n', { fileName: 'g.txt' }), 'g.txt', 2, /source target \[weight\]/);
    parseFails(() => parseEdgeList('0 1\n1 2 3 4\n', { fileName: 'g.txt' }), 'g.txt', 2, /2 or 3 fields/);
    parseFails(() => parseEdgeList('0,1\n1,,2\n', { fileName: 'g.csv' }), 'g.csv', 2, /2 or 3 fields/);
    parseFails(() => parseEdgeList('0 1 1\n1 2 -3\n', { fileName: 'w.txt' }), 'w.txt', 2, /non-negative weight.*"-3"/);
    parseFails(() => parseEdgeList('0 1 NaN\n', { fileName: 'w.txt' }), 'w.txt', 1, /non-negative weight/);
    parseFails(() => parseEdgeList('0 1 abc\n', { fileName: 'w.txt' }), 'w.txt', 1, /non-negative weight/);
    parseFails(() => parseEdgeList('0 1 Infinity\n', { fileName: 'w.txt' }), 'w.txt', 1, /finite/);
    parseFails(() => parseEdgeList('# only comments\n\n', { fileName: 'e.txt' }), 'e.txt', null, /at least one edge.*empty graph/);
    parseFails(() => parseEdgeList('0 1\nx 2\n', { ids: 'zero', fileName: 'i.txt' }), 'i.txt', 2, /integer node id/);
    parseFails(() => parseEdgeList('1 2\n0 2\n', { ids: 'one', fileName: 'i.txt' }), 'i.txt', 2, />= 1/);
    parseFails(() => parseEdgeList('0 1\n1 7\n', { n: 4, fileName: 'i.txt' }), 'i.txt', 2, /below n = 4/);
  });

  it('names <input> when no file name is given', () => {
    parseFails(() => parseEdgeList('0 1 -1\n'), '<input>', 1, /weight/);
  });
});

describe('Matrix Market', () => {
  it('reads coordinate real general and symmetric', () => {
    const gen = '%%MatrixMarket matrix coordinate real general\n% comment\n3 3 3\n1 2 0.5\n2 3 1.5\n3 1 2\n';
    const { graph, stats } = parseMatrixMarket(gen);
    expect(graph.n).toBe(3);
    expect(edges(graph)).toEqual([[0, 1, 0.5], [0, 2, 2], [1, 2, 1.5]]);
    expect(stats).toMatchObject({ format: 'mtx', edgesRead: 3 });
    const dir = parseMatrixMarket(gen, { directed: true }).graph;
    expect(edges(dir)).toEqual([[0, 1, 0.5], [1, 2, 1.5], [2, 0, 2]]);
    const sym = '%%MatrixMarket matrix coordinate real symmetric\n4 4 3\n2 1 1\n3 2 2\n4 4 9\n';
    const s = parseMatrixMarket(sym);
    expect(s.graph.n).toBe(4);
    expect(edges(s.graph)).toEqual([[0, 1, 1], [1, 2, 2]]);
    expect(s.stats.selfLoopsRemoved).toBe(1);
    // Symmetric read as directed gives both directions.
    expect(edges(parseMatrixMarket(sym, { directed: true }).graph)).toEqual([[0, 1, 1], [1, 0, 1], [1, 2, 2], [2, 1, 2]]);
  });

  it('reads integer and pattern fields', () => {
    expect(edges(parseMatrixMarket('%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 2 3\n').graph)).toEqual([[0, 1, 3]]);
    expect(edges(parseMatrixMarket('%%matrixmarket MATRIX Coordinate Pattern Symmetric\n3 3 2\n2 1\n3 1\n').graph)).toEqual([[0, 1, 1], [0, 2, 1]]);
  });

  it('rejects bad headers, sizes, entries and counts with file:line', () => {
    const f = { fileName: 'm.mtx' };
    parseFails(() => parseMatrixMarket('3 3 1\n1 2 1\n', f), 'm.mtx', 1, /%%MatrixMarket/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix array real general\n2 2\n1\n0\n0\n1\n', f), 'm.mtx', 1, /coordinate/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 2 1 0\n', f), 'm.mtx', 1, /real', 'integer' or 'pattern/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real hermitian\n2 2 1\n1 2 1\n', f), 'm.mtx', 1, /general' or 'symmetric/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n% c\n2 3 1\n1 2 1\n', f), 'm.mtx', 3, /square/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n2 x 1\n', f), 'm.mtx', 2, /size line/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1\n4 1 1\n', f), 'm.mtx', 4, /row index in \[1, 3\].*"4"/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 2\n1 2 1\n2 0 1\n', f), 'm.mtx', 4, /column index in \[1, 3\]/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 -1\n', f), 'm.mtx', 3, /non-negative weight/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 nan\n', f), 'm.mtx', 3, /non-negative weight/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 2 1.5\n', f), 'm.mtx', 3, /integer value/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2\n', f), 'm.mtx', 3, /row col value/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 1\n1 2 1\n2 3 1\n', f), 'm.mtx', 4, /no more than 1 entries/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 3\n1 2 1\n', f), 'm.mtx', null, /3 entries.*found 1/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n3 3 0\n', f), 'm.mtx', 2, /empty graph/);
    parseFails(() => parseMatrixMarket('%%MatrixMarket matrix coordinate real general\n', f), 'm.mtx', null, /size line/);
  });
});

describe('JSON', () => {
  it('reads edges as pairs, triples and objects, with a node list of ids or objects', () => {
    const { graph, stats } = parseGraphJson(JSON.stringify({ nodes: ['a', 'b', 'c'], edges: [['a', 'b'], ['b', 'c', 2], { source: 'c', target: 'a', weight: 0.5 }] }));
    expect(stats.format).toBe('json');
    expect(graph.labels).toEqual(['a', 'b', 'c']);
    expect(edges(graph)).toEqual([[0, 1, 1], [0, 2, 0.5], [1, 2, 2]]);
    const withGroups = parseGraphJson(JSON.stringify({ nodes: [{ id: 'x', group: 'g1' }, { id: 'y', group: 'g2' }, { id: 'z', group: 'g1' }], edges: [{ source: 'x', target: 'y' }], directed: true }));
    expect(withGroups.graph.directed).toBe(true);
    expect(Array.from(withGroups.graph.groups![0]!)).toEqual([0, 1, 0]);
    expect(withGroups.graph.n).toBe(3);
  });

  it('uses integer ids directly when there is no node list', () => {
    const { graph, stats } = parseGraphJson('{"edges": [[0, 1], [1, 2, 3]]}');
    expect(stats.idMode).toBe('zero');
    expect(edges(graph)).toEqual([[0, 1, 1], [1, 2, 3]]);
    // An option overrides the file's directed flag.
    expect(parseGraphJson('{"directed": true, "edges": [[0, 1]]}', { directed: false }).graph.directed).toBe(false);
  });

  it('rejects bad JSON and bad structure with file and line or path', () => {
    const f = { fileName: 'g.json' };
    parseFails(() => parseGraphJson('{\n "edges": [[0, 1],\n ]\n}', f), 'g.json', 3, /valid JSON/);
    parseFails(() => parseGraphJson('[[0, 1]]', f), 'g.json', '(top level)', /an object/);
    parseFails(() => parseGraphJson('{"links": []}', f), 'g.json', 'edges', /array of edges/);
    parseFails(() => parseGraphJson('{"edges": []}', f), 'g.json', 'edges', /at least one edge/);
    parseFails(() => parseGraphJson('{"edges": [[0, 1], [0]]}', f), 'g.json', 'edges[1]', /\[source, target\]/);
    parseFails(() => parseGraphJson('{"edges": [[0, 1, -2]]}', f), 'g.json', 'edges[0].weight', /non-negative weight/);
    parseFails(() => parseGraphJson('{"edges": [[0, 1, "x"]]}', f), 'g.json', 'edges[0].weight', /non-negative weight/);
    parseFails(() => parseGraphJson('{"edges": [[0, null]]}', f), 'g.json', 'edges[0].target', /node id/);
    parseFails(() => parseGraphJson('{"nodes": ["a", "b"], "edges": [["a", "q"]]}', f), 'g.json', 'edges[0].target', /listed in nodes.*"q"/);
    parseFails(() => parseGraphJson('{"nodes": ["a", "a"], "edges": [["a", "a"]]}', f), 'g.json', 'nodes[1]', /unique node ids/);
    parseFails(() => parseGraphJson('{"edges": [[0, 1], [1, 1]]}', { ...f, selfLoops: 'error' }), 'g.json', 'edges[1]', /no self-loops/);
    parseFails(() => parseGraphJson('{"directed": "yes", "edges": [[0, 1]]}', f), 'g.json', 'directed', /boolean/);
  });
});
