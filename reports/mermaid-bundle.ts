/**
 * Where Mermaid's browser bundle is. The published package carries a copy
 * beside its build (build/assets/, put there by scripts/build.mjs), so a
 * user installs no Mermaid of their own; in this repository it comes from
 * the mermaid devDependency.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export function mermaidBundlePath(): string {
  const shipped = fileURLToPath(new URL('../assets/mermaid.min.js', import.meta.url));
  if (existsSync(shipped)) return shipped;
  return createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');
}
