export function generateShaders(): number;
