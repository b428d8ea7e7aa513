// The RG report end to end: run the pipeline, write the report, open report.html in headless
// Chromium and check that every figure is present and drawn (non-empty); keep a screenshot.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { useEngine } from '../helpers/gpu.js';
import { generate } from '../../src/graph/index.js';
import { runRg } from '../../src/rg/pipeline.js';
import { writeRgReport } from '../../src/report/rg-report.js';

const engine = useEngine();
const outDir = resolve('test-output/rg-report');

describe('RG report', () => {
  it('writes JSON, SVG figures and an HTML page whose figures render in Chromium', async () => {
    const e = engine();
    const g = generate('hbm:levels=2,groups=3,size=8,pin=0.9,ratio=0.08,seed=2');
    const t0 = performance.now();
    const { result, profile } = await e.profile(() => runRg(e, g));
    const files = await writeRgReport(outDir, { graph: g, source: 'test hbm', result, profile, adapter: e.adapter, wallSeconds: (performance.now() - t0) / 1000, options: {} });
    const json = JSON.parse(readFileSync(files.json, 'utf8'));
    expect(json.sweep.C).toHaveLength(256);
    expect(json.scales.peaks.length).toBeGreaterThan(0);
    expect(json.adapter.kind).toMatch(/cpu|gpu/);
    expect(json.gpuProfile.kernels.length).toBeGreaterThan(0);
    for (const name of ['thermo', 'flow', 'adjacency', 'dendrogram']) expect(existsSync(files.figures[name]!), name).toBe(true);

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(`file://${files.html}`);
      const figures = await page.$$eval('figure svg', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          return { w: box.width, h: box.height, marks: s.querySelectorAll('path, line, rect, text').length };
        }),
      );
      expect(figures).toHaveLength(4);
      for (const f of figures) {
        expect(f.w).toBeGreaterThan(100);
        expect(f.h).toBeGreaterThan(100);
        expect(f.marks).toBeGreaterThan(20);
      }
      expect(await page.title()).toContain('Laplacian renormalization');
      mkdirSync(outDir, { recursive: true });
      await page.screenshot({ path: join(outDir, 'report.png'), fullPage: true });
      expect(existsSync(join(outDir, 'report.png'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
