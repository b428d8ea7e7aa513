// Node-only: figures (Vega-Lite specs rendered to SVG without a browser) and HTML reports.
export * from './render.js';
export * from './figures.js';
export * from './html.js';
export * from './rg-report.js';
