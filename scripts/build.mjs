#!/usr/bin/env node
// `npm run build` (also `prepare`, so `npm ci`, `npm pack` and a git install
// all build): the published package in build/. tsc compiles sim/ and
// reports/ to ESM with .d.ts types; then the files tsc does not make:
// - .d.ts imports say .js, as Node's resolution of the built files does
//   (tsc rewrites the extensions of the JavaScript only);
// - the worker threads' boot file (plain JavaScript, copied as it is);
// - Mermaid's browser bundle and its licence, which reports load, so a user
//   installs no Mermaid of their own.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const BUILD = 'build';
rmSync(BUILD, { recursive: true, force: true });
execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });

for (const file of walk(BUILD)) {
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
  if (fixed !== text) writeFileSync(file, fixed);
}

copyFileSync('sim/explore/worker-boot.mjs', join(BUILD, 'sim/explore/worker-boot.mjs'));

const mermaid = dirname(createRequire(import.meta.url).resolve('mermaid/package.json'));
mkdirSync(join(BUILD, 'assets'), { recursive: true });
copyFileSync(join(mermaid, 'dist/mermaid.min.js'), join(BUILD, 'assets/mermaid.min.js'));
copyFileSync(join(mermaid, 'LICENSE'), join(BUILD, 'assets/mermaid.LICENSE'));
process.stderr.write(`built ${BUILD}/\n`);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
