/**
 * `init [DIR]`: a working setup in a project, as `npm init playwright` makes
 * one: a config, an example scenario of a small system (a checkout that
 * retries a charge, and a payment service that charges it twice) with its
 * models, and a vitest test of it. It writes nothing if any of its files
 * exist already.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../kernel/plan-file.ts';
import { CLI } from '../identity.ts';
import { EXIT } from './args.ts';

const TEMPLATE_DIR = new URL(import.meta.url.endsWith('.ts') ? '../../templates/init/' : '../../../templates/init/', import.meta.url);

export function initCommand(dir: string): number {
  const target = resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new InputError(`${dir}: not a folder`);
  const esm = nearestPackageIsModule(target);
  // Scenario files and the config are ES modules (the package is one). In a
  // CommonJS project the config is a .mts file, and the scenarios' folder
  // gets a package.json that says "module", leaving the project's own alone.
  const placed = templateFiles(new URL('.', TEMPLATE_DIR).pathname).map((file) => ({ file, as: !esm && file === 'chaos-testbed.config.ts' ? 'chaos-testbed.config.mts' : file }));
  const clashes = placed.map((p) => p.as).filter((f) => existsSync(join(target, f)));
  if (clashes.length > 0) throw new InputError(`${clashes.join(', ')} already exist${clashes.length === 1 ? 's' : ''} in ${dir}: init writes nothing over existing files`);
  const written: string[] = [];
  for (const { file, as } of placed) {
    const path = join(target, as);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, readFileSync(new URL(file, TEMPLATE_DIR)));
    written.push(as);
  }
  if (!esm) {
    const scoped = join(target, 'incidents', 'package.json');
    if (!existsSync(scoped)) {
      writeFileSync(scoped, JSON.stringify({ type: 'module' }, null, 2) + '\n');
      written.push('incidents/package.json');
    }
  }
  const shown = relative(process.cwd(), target) || '.';
  process.stdout.write(`wrote in ${shown}:\n${written.map((f) => `  ${f}`).join('\n')}\n\n`);
  process.stdout.write(`next:\n  ${CLI} run                 find the double charge and check the fix\n  npx vitest run incidents      the same as tests (needs vitest: npm install -D vitest)\n`);
  return EXIT.pass;
}

/** Every file under the template folder, relative to it, sorted. */
function templateFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk('');
  return out;
}

/** Whether the nearest package.json above `dir` says `"type": "module"`. */
function nearestPackageIsModule(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json');
    if (existsSync(file)) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { type?: string }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(current) === current) return false;
  }
}
