// Vega-Lite spec -> SVG string in Node, no browser: compile with vega-lite, run a headless
// vega.View (renderer 'none'), serialise with toSVG().
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

export type VlSpec = TopLevelSpec;

/** Renders a Vega-Lite spec to a standalone SVG string. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
