// The renormalization report: report.json, report.html and the SVG figures for one RG run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Graph } from '../graph/graph.js';
import type { RgResult } from '../rg/pipeline.js';
import type { Profile } from '../../runtime/scheduler.js';
import type { AdapterDescription } from '../../runtime/engine.js';
import { renderSvg } from './render.js';
import { thermoFigure, rgFlowFigure, adjacencyHeatmap, dendrogramFigure } from './figures.js';
import { writeHtmlReport, type Section } from './html.js';
import type { Linkage } from '../graph/linkage.js';

export interface RgReportInput {
  graph: Graph;
  source: string;
  parseStats?: { duplicatesMerged: number; selfLoopsRemoved: number; edgesRead: number };
  result: RgResult;
  adapter: AdapterDescription;
  profile?: Profile;
  wallSeconds: number;
  options: Record<string, unknown>;
}

export interface RgReportFiles {
  json: string;
  html: string;
  figures: Record<string, string>;
}

const sig = (x: number, d = 4) => (Number.isFinite(x) ? Number(x.toPrecision(d)) : x);

/** Writes report.json, report.html and the figures into outDir; returns their paths. */
export async function writeRgReport(outDir: string, input: RgReportInput): Promise<RgReportFiles> {
  mkdirSync(outDir, { recursive: true });
  const { result: r, graph: g } = input;
  const scaleMarks = [
    { tau: r.scales.inverseLmax, label: '1/l_max' },
    ...(Number.isFinite(r.scales.inverseL2) ? [{ tau: r.scales.inverseL2, label: '1/l_2' }] : []),
    ...r.scales.peaks.map((p, i) => ({ tau: p.tau, label: `peak ${i + 1}` })),
  ];
  const specs: Record<string, Parameters<typeof renderSvg>[0]> = {
    thermo: thermoFigure({ tau: r.sweep.taus, entropy: r.sweep.S, specificHeat: r.sweep.C, n: r.n, scales: scaleMarks, title: 'Entropy and specific heat' }),
    adjacency: adjacencyHeatmap(g, { order: r.ordering, title: 'Adjacency, community order' }),
  };
  if (r.flow.length) specs.flow = rgFlowFigure(r.flow.map((f) => ({ step: f.step, n: f.n, lambda2: f.l2 })), { title: 'RG flow' });
  if (r.communities) {
    const c = r.communities;
    const link: Linkage = {
      n: r.n,
      left: Uint32Array.from(c.linkage.left),
      right: Uint32Array.from(c.linkage.right),
      height: Float64Array.from(c.linkage.height),
      size: Uint32Array.from(c.linkage.size),
    };
    specs.dendrogram = dendrogramFigure(link, { cut: { clusters: c.clusters }, logHeight: true, title: `Average linkage on 1/K(tau = ${sig(c.tau)})` });
  }
  const figures: Record<string, string> = {};
  const svgs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const svg = await renderSvg(spec);
    svgs[name] = svg;
    figures[name] = join(outDir, `${name}.svg`);
    writeFileSync(figures[name]!, svg);
  }

  const data = {
    tool: 'diffrg rg',
    date: new Date().toISOString(),
    source: input.source,
    options: input.options,
    adapter: input.adapter,
    graph: { n: g.n, edges: r.edges, directed: g.directed, components: r.components, ...(input.parseStats ? { parse: input.parseStats } : {}) },
    wallSeconds: input.wallSeconds,
    ...(input.profile ? { gpuProfile: input.profile } : {}),
    ...r,
  };
  const jsonPath = join(outDir, 'report.json');
  writeFileSync(jsonPath, JSON.stringify(data, null, 1));

  const gpuMs = input.profile?.totalMs ?? 0;
  const sections: Section[] = [
    {
      heading: 'Entropy and specific heat',
      text: [
        `Sweep of ${r.sweep.taus.length} log-spaced tau from ${sig(r.sweep.taus[0]!)} to ${sig(r.sweep.taus[r.sweep.taus.length - 1]!)} by the ${r.sweep.method} method. ` +
          `Largest error estimate of C over the grid: ${sig(Math.max(...r.sweep.Cerror))}.`,
        'C(tau) = tau^2 Var(l) is computed exactly from the spectrum; peaks are refined on the exact C between grid points.',
      ],
      svg: svgs.thermo!,
      table: {
        columns: ['scale', 'tau', 'C', 'prominence'],
        rows: [
          ['1/l_max', sig(r.scales.inverseLmax), null, null],
          ['1/l_2', sig(r.scales.inverseL2), null, null],
          ...r.scales.peaks.map((p, i) => [`peak ${i + 1}`, sig(p.tau, 6), sig(p.C, 6), sig(p.prominence, 3)]),
          ...r.scales.plateaus.map((p) => [`plateau (d_s = ${sig(p.spectralDimension, 3)})`, `${sig(p.tauStart)} .. ${sig(p.tauEnd)}`, sig(p.C, 4), null]),
        ],
      },
    },
  ];
  if (r.coarseGrainings.length) {
    const gt = r.groundTruth;
    sections.push({
      heading: 'Supernodes at each peak',
      text: 'Kadanoff rule: i and j are linked when rho_ij >= min(rho_ii, rho_jj) beyond the a posteriori error bound of the computed rho; supernodes are the connected components.',
      table: {
        columns: ['tau', 'supernodes', 'largest', 'relative tolerance', ...(gt ? gt.map((l) => `NMI vs level ${l.level}`) : [])],
        rows: r.coarseGrainings.map((c, i) => [sig(c.tau), c.supernodes, Math.max(...c.sizes), sig(c.relTol, 3), ...(gt ? gt.map((l) => sig(l.atPeak[i]!.nmi, 4)) : [])]),
      },
    });
  }
  if (r.flow.length) {
    sections.push({
      heading: 'RG flow',
      svg: svgs.flow!,
      table: {
        columns: ['step', 'N', 'edges', 'l_2', 'peaks', 'tau used', 'supernodes'],
        rows: r.flow.map((f) => [f.step, f.n, f.edges, sig(f.l2), f.peaks.map((p) => sig(p.tau, 3)).join(', '), f.coarse ? sig(f.coarse.tau) : null, f.coarse?.supernodes ?? null]),
      },
    });
  }
  sections.push({ heading: 'Adjacency in community order', text: 'Nodes ordered so that supernodes of every RG step and the communities stay contiguous (coarse to fine).', svg: svgs.adjacency! });
  if (r.communities) {
    const c = r.communities;
    sections.push({
      heading: 'Multiscale communities',
      text: `Average-linkage dendrogram on D_ij = 1/K_ij(tau = ${sig(c.tau)}); the stability-optimal cut gives ${c.clusters} communities` +
        (c.agreement ? ` (against the ground truth: ${c.agreement.map((a) => `level ${a.level} NMI ${sig(a.nmi, 4)}, ARI ${sig(a.ari, 4)}`).join('; ')}).` : '.'),
      svg: svgs.dendrogram!,
    });
  }
  sections.push({
    heading: 'Run',
    table: {
      columns: ['stage', 'seconds'],
      rows: [
        ...Object.entries(r.timings).map(([k, v]) => [k, sig(v, 3)]),
        ['total (wall)', sig(input.wallSeconds, 3)],
        ...(input.profile ? [[`GPU kernels (${input.profile.method})`, sig(gpuMs / 1000, 3)]] : []),
      ],
    },
    text: [`Adapter: ${[input.adapter.vendor, input.adapter.architecture, input.adapter.description].filter(Boolean).join(' / ')} (${input.adapter.kind}).`, ...r.notes],
  });
  const html = join(outDir, 'report.html');
  writeHtmlReport(html, {
    title: `Laplacian renormalization: ${input.source}`,
    subtitle: `${g.n} nodes, ${r.edges} edges, ${r.components} component(s)`,
    summary: {
      columns: ['N', 'edges', 'components', 'method', 'l_2', 'l_max', 'C peaks', 'RG steps', 'communities'],
      rows: [[g.n, r.edges, r.components, r.sweep.method, sig(r.sweep.l2), sig(r.sweep.lmax), r.scales.peaks.length, Math.max(0, r.flow.length - 1), r.communities?.clusters ?? null]],
    },
    sections,
    dataHref: 'report.json',
  });
  return { json: jsonPath, html, figures };
}
