// The host-side graph layer: types, parsers, generators, Laplacians, components, clustering.
// Pure TypeScript (no fs): runs in Node and browsers alike.
export * from './errors.js';
export * from './graph.js';
export * from './prng.js';
export * from './parse.js';
export * from './generators.js';
export * from './generate-spec.js';
export * from './components.js';
export * from './laplacian.js';
export * from './metrics.js';
export * from './linkage.js';
export * from './supernodes.js';
export * from './ordering.js';
