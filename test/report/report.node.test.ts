import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSvg, thermoFigure, rgFlowFigure, adjacencyHeatmap, dendrogramFigure, buildHtmlReport, writeHtmlReport, formatCell } from '../../src/node/index.js';
import { averageLinkage, cutDendrogram, communityOrder, sbm, ring, ShapeError, ValueError } from '../../src/index.js';

/** Number of marks of a kind in a vega SVG (each mark item carries its aria role description). */
const marks = (svg: string, kind: string) => svg.split(`aria-roledescription="${kind} mark"`).length - 1;

const dir = mkdtempSync(join(tmpdir(), 'diffrg-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** K_10 thermodynamics in closed form (SCIENCE.md): Z = 1 + g e^{-x}, g = 9, x = 10 tau. */
function k10(points: number) {
  const tau = Array.from({ length: points }, (_, i) => 10 ** (-3 + (5 * i) / (points - 1)));
  const S: number[] = [];
  const C: number[] = [];
  for (const t of tau) {
    const x = 10 * t;
    const q = 9 * Math.exp(-x);
    S.push(Math.log(1 + q) + (x * q) / (1 + q));
    C.push((x * x * q) / (1 + q) ** 2);
  }
  return { tau, S, C };
}

describe('figures', () => {
  it('thermo figure: two lines on a log axis and one rule + label per scale', async () => {
    const { tau, S, C } = k10(81);
    const spec = thermoFigure({ tau, entropy: S, specificHeat: C, n: 10, scales: [{ tau: 0.1, label: '1/l_max' }, { tau: 0.34976, label: 'C peak' }], title: 'K_10' });
    const svg = await renderSvg(spec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(marks(svg, 'line')).toBe(2);
    expect(marks(svg, 'rule')).toBe(2);
    expect(svg).toContain('C peak');
    expect(svg).toContain('S / log N');
    expect(svg).toContain('K_10');
    expect(svg).toMatch(/X-axis titled 'tau' for a log scale/);
    expect(() => thermoFigure({ tau: [0, 1], entropy: [1, 1], specificHeat: [0, 0], n: 10 })).toThrow(/finite positive tau/);
    expect(() => thermoFigure({ tau: [1], entropy: [1, 2], specificHeat: [0], n: 10 })).toThrow(ShapeError);
  });

  it('RG flow figure: N and l_2 per step, one line and points per panel', async () => {
    const svg = await renderSvg(rgFlowFigure([
      { step: 0, n: 256, lambda2: 0.41 },
      { step: 1, n: 64, lambda2: 0.9 },
      { step: 2, n: 4, lambda2: 2.3 },
    ], { title: 'flow' }));
    expect(marks(svg, 'line')).toBe(2);
    expect(svg.split('aria-roledescription="point"').length - 1).toBe(6);
    expect(svg).toContain('N (nodes)');
  });

  it('adjacency heatmap: one cell per nonzero for small n, block means above maxSide', async () => {
    const g = sbm({ sizes: [10, 12, 9], pIn: 0.6, pOut: 0.02, seed: 4 });
    const order = communityOrder(g.groups!);
    const spec = adjacencyHeatmap(g, { order, title: 'SBM' });
    const svg = await renderSvg(spec);
    expect(marks(svg, 'rect')).toBe(2 * g.src.length); // both triangles of an undirected graph
    // Large graph: 1000 nodes binned into 100 x 100 blocks of 10 x 10.
    const big = ring(1000);
    const bigSpec = adjacencyHeatmap(big, { maxSide: 100 });
    const values = (bigSpec as { data: { values: { w: number }[] } }).data.values;
    // A ring's nonzeros sit on the (periodic) diagonal: the diagonal blocks and their neighbours plus the two corners.
    expect(values.length).toBe(100 + 2 * 99 + 2);
    // A diagonal block holds 9 ring edges both ways = 18 ones over 100 cells.
    expect(Math.max(...values.map((v) => v.w))).toBeCloseTo(0.18, 15);
    const bigSvg = await renderSvg(bigSpec);
    expect(marks(bigSvg, 'rect')).toBe(values.length);
    expect(bigSvg).toContain('mean weight over 10 x 10 blocks');
    expect(() => adjacencyHeatmap(g, { order: [0, 0, 1] })).toThrow(/order has length 3/);
    expect(() => adjacencyHeatmap(ring(3), { order: [0, 0, 1] })).toThrow(/not a permutation/);
  });

  it('dendrogram: three rules per merge and a cut line', async () => {
    const x = [0, 1, 3, 7, 15, 16, 31];
    const n = x.length;
    const D = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) D[i * n + j] = Math.abs(x[i]! - x[j]!);
    const link = averageLinkage(D);
    for (const logHeight of [false, true]) {
      const svg = await renderSvg(dendrogramFigure(link, { cut: { clusters: 3 }, logHeight, title: 'UPGMA' }));
      expect(marks(svg, 'rule')).toBe(3 * (n - 1) + 1);
      expect(svg).toContain('stroke-dasharray="6,4"');
      // Cut into {0,1,3,7}, {15,16}, {31}: the two clusters with merges below the cut get colours.
      expect(Array.from(cutDendrogram(link, 3))).toEqual([0, 0, 0, 0, 1, 1, 2]);
      expect(svg).toContain('group: cluster 1');
      expect(svg).not.toContain('group: cluster 2');
      // The two merges above the cut ({0..7} + {15,16}, then + {31}) draw 3 rules each, uncoloured.
      expect(svg.split('group: above cut').length - 1).toBe(2 * 3);
    }
    expect(() => dendrogramFigure(link, { cut: { clusters: 0 } })).toThrow(ValueError);
  });
});

describe('HTML report', () => {
  it('inlines the SVGs, tables and JSON, escapes text, and writes files', async () => {
    const { tau, S, C } = k10(21);
    const svg = await renderSvg(thermoFigure({ tau, entropy: S, specificHeat: C, n: 10 }));
    const svg2 = await renderSvg(rgFlowFigure([{ step: 0, n: 10, lambda2: 10 }, { step: 1, n: 1, lambda2: 0 }]));
    const report = {
      title: 'K_10 <check>',
      subtitle: 'closed form',
      summary: { columns: ['quantity', 'value'], rows: [['C peak', 2.0584], ['tau*', 0.34976], ['tiny', 1.5e-9], ['n', 10]] },
      sections: [
        { heading: 'Thermodynamics', text: ['S and C against tau', 'a & b'], svg },
        { heading: 'Flow', svg: [svg2], table: { columns: ['step', 'N'], rows: [[0, 10], [1, 1]] } },
      ],
      data: { tau: Float64Array.from(tau), n: 10 },
    };
    const html = buildHtmlReport(report);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>K_10 &lt;check&gt;</title>');
    expect(html.split('<svg').length - 1).toBe(2);
    expect(html).toContain(svg);
    expect(html).toContain('<td class="num">2.0584</td>');
    expect(html).toContain('<td class="num">1.5000e-9</td>');
    expect(html).toContain('a &amp; b');
    const b64 = /href="data:application\/json;base64,([^"]+)"/.exec(html)![1]!;
    const data = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    expect(data.n).toBe(10);
    expect(data.tau).toHaveLength(21);
    expect(buildHtmlReport(report)).toBe(html); // deterministic
    expect(() => buildHtmlReport({ title: 't', sections: [{ heading: 'h', table: { columns: ['a', 'b'], rows: [[1]] } }] })).toThrow(/row 0 has 1 cells, expected 2/);
    expect(() => buildHtmlReport({ title: 't', sections: [{ heading: 'h', svg: 'not an svg' }] })).toThrow(/<svg>/);

    const out = writeHtmlReport(join(dir, 'sub', 'k10.html'), report, { json: true });
    expect(out.json).toBe(join(dir, 'sub', 'k10.json'));
    const written = readFileSync(out.html, 'utf8');
    expect(written).toContain('href="k10.json"');
    expect(JSON.parse(readFileSync(out.json!, 'utf8')).tau[0]).toBeCloseTo(1e-3, 15);
  });

  it('formats numbers compactly', () => {
    expect(formatCell(3)).toBe('3');
    expect(formatCell(0.123456789)).toBe('0.12346');
    expect(formatCell(123456789.5)).toBe('1.2346e+8');
    expect(formatCell(NaN)).toBe('NaN');
    expect(formatCell(null)).toBe('');
  });
});
