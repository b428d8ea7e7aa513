// One self-contained HTML page from a generic report object: title, summary table, sections of
// {heading, text, table, svg}, and the raw results as an embedded JSON download.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export type Cell = string | number | boolean | null | undefined;

export interface Table {
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
}

export interface Section {
  heading: string;
  /** Paragraphs (plain text; escaped). */
  text?: string | readonly string[];
  table?: Table;
  /** Inline SVG figures (from renderSvg). */
  svg?: string | readonly string[];
}

export interface Report {
  title: string;
  subtitle?: string;
  summary?: Table;
  sections: readonly Section[];
  /** Results embedded as a downloadable JSON link (data: URI), making the page self-contained. */
  data?: unknown;
  /** Or/also: a link to a JSON file written next to the page. */
  dataHref?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Numbers: integers as they are, others to 5 significant digits (exponent form when tiny or huge). */
export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    if (!Number.isFinite(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(5)));
  }
  return String(v);
}

function table(t: Table): string {
  for (const [k, r] of t.rows.entries()) {
    if (r.length !== t.columns.length) throw new Error(`report table: row ${k} has ${r.length} cells, expected ${t.columns.length} (columns ${t.columns.join(', ')})`);
  }
  const head = t.columns.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="num"' : ''}>${esc(formatCell(c))}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Keeps the <svg> element only (drops an XML prolog or doctype if present). */
function inlineSvg(svg: string): string {
  const at = svg.indexOf('<svg');
  if (at < 0) throw new Error('report: an svg entry does not contain an <svg> element');
  return svg.slice(at);
}

const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em}.subtitle{color:#666;margin-top:0}table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em}th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}svg{max-width:100%;height:auto}.links a{margin-right:1em}`;

/** Builds the page. Deterministic: the same report gives the same bytes. */
export function buildHtmlReport(r: Report): string {
  const parts: string[] = [];
  parts.push(`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${esc(r.title)}</title>\n<style>${STYLE}</style>\n</head>\n<body>`);
  parts.push(`<h1>${esc(r.title)}</h1>`);
  if (r.subtitle) parts.push(`<p class="subtitle">${esc(r.subtitle)}</p>`);
  const links: string[] = [];
  if (r.data !== undefined) {
    const json = JSON.stringify(r.data, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v), 2);
    const b64 = Buffer.from(json, 'utf8').toString('base64');
    links.push(`<a download="${esc(r.title.replace(/[^\w.-]+/g, '_'))}.json" href="data:application/json;base64,${b64}">results (JSON)</a>`);
  }
  if (r.dataHref) links.push(`<a href="${esc(r.dataHref)}">${esc(r.dataHref)}</a>`);
  if (links.length) parts.push(`<p class="links">${links.join(' ')}</p>`);
  if (r.summary) parts.push(`<h2>Summary</h2>\n${table(r.summary)}`);
  for (const s of r.sections) {
    parts.push(`<section>\n<h2>${esc(s.heading)}</h2>`);
    const text = s.text === undefined ? [] : typeof s.text === 'string' ? [s.text] : s.text;
    for (const p of text) parts.push(`<p>${esc(p)}</p>`);
    if (s.table) parts.push(table(s.table));
    const svgs = s.svg === undefined ? [] : typeof s.svg === 'string' ? [s.svg] : s.svg;
    for (const svg of svgs) parts.push(`<figure>${inlineSvg(svg)}</figure>`);
    parts.push('</section>');
  }
  parts.push('</body>\n</html>\n');
  return parts.join('\n');
}

/**
 * Writes the page to `path` (creating folders). With `json: true` the report's data also goes
 * to a sibling `<name>.json`, linked from the page.
 */
export function writeHtmlReport(path: string, r: Report, opts: { json?: boolean } = {}): { html: string; json?: string } {
  mkdirSync(dirname(path), { recursive: true });
  let report = r;
  let jsonPath: string | undefined;
  if (opts.json && r.data !== undefined) {
    jsonPath = path.replace(/\.html?$/i, '') + '.json';
    writeFileSync(jsonPath, JSON.stringify(r.data, (_k, v) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v), 2));
    report = { ...r, dataHref: basename(jsonPath) };
  }
  writeFileSync(path, buildHtmlReport(report));
  return { html: path, ...(jsonPath ? { json: jsonPath } : {}) };
}
