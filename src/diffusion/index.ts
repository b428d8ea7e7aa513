// Score-based diffusion and its thermodynamics (issue 6).
export * from './sde.js';
export * from './datasets.js';
export * from './score-model.js';
export * from './train.js';
export * from './ode.js';
export * from './sample.js';
export * from './thermo.js';
export * from './demo.js';
