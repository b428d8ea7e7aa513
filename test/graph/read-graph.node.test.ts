import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readGraphFile, graphFormatOf } from '../../src/node/index.js';
import { ParseError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'diffrg-graphs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('readGraphFile', () => {
  it('chooses the parser by extension', () => {
    for (const [name, text] of [
      ['a.csv', 'source,target\n0,1\n1,2\n'],
      ['a.tsv', '0\t1\n1\t2\n'],
      ['a.txt', '0 1\n1 2\n'],
      ['a.edges', '% konect\n1 2\n2 3\n'],
      ['a.mtx', '%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 2\n'],
      ['a.JSON', '{"edges": [[0, 1], [1, 2]]}'],
    ] as const) {
      const { graph } = readGraphFile(file(name, text));
      expect(graph.n).toBe(3);
      expect(Array.from(graph.src)).toEqual([0, 1]);
      expect(Array.from(graph.dst)).toEqual([1, 2]);
    }
    expect(graphFormatOf('x/y.MTX')).toBe('mtx');
    expect(readGraphFile(file('b.dat', '0 1\n'), { format: 'edgelist' }).graph.n).toBe(2);
    expect(readGraphFile(file('c.txt', '0 1\n1 0\n'), { directed: true }).graph.src.length).toBe(2);
  });

  it('errors name the path (and line)', () => {
    const bad = file('bad.csv', '0,1\n1,2,-5\n');
    expect(() => readGraphFile(bad)).toThrow(ParseError);
    expect(() => readGraphFile(bad)).toThrow(`${bad}:2: expected a finite non-negative weight`);
    const missing = join(dir, 'nope.mtx');
    expect(() => readGraphFile(missing)).toThrow(new RegExp(`${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: expected a readable file, found ENOENT`));
    expect(() => readGraphFile(file('x.bin', ''))).toThrow(/x\.bin: expected a graph file extension/);
  });
});
