// Node-only entry points (file system, SVG rendering, HTML reports). Not part of the browser
// bundle: import from 'src/node/index.js'.
export * from './read-graph.js';
export * from '../report/index.js';
