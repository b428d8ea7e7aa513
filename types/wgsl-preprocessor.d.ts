// wgsl-preprocessor ships no type declarations.
declare module 'wgsl-preprocessor/wgsl-preprocessor.js' {
  /** Template tag resolving #if/#elif/#else/#endif over interpolated values. */
  export function wgsl(strings: TemplateStringsArray, ...values: unknown[]): string;
}
