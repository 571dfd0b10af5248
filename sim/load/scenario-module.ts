/**
 * Loading one scenario file: its default export is a scenario, and it may
 * export more under other names. Anything wrong with the file is an
 * {@link InputError} of one line naming it: it does not exist, it does not
 * load (a syntax error, a throw at import), or it exports no scenario.
 */
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../kernel/plan-file.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { rememberScenarioFile } from '../kernel/scenario-file.ts';
import { ensureTypeScriptLoader } from './typescript-loader.ts';

/** A scenario and the file it came from. */
export interface LoadedScenario {
  readonly scenario: AnyScenario;
  /** Absolute path of the file. */
  readonly file: string;
}

/** Imports `file` (an absolute path) and returns the scenarios it exports, default first. */
export async function loadScenarioModule(file: string): Promise<LoadedScenario[]> {
  const shown = displayPath(file);
  if (!existsSync(file)) throw new InputError(`${shown}: no such scenario file`);
  if (!statSync(file).isFile()) throw new InputError(`${shown}: not a file`);
  ensureTypeScriptLoader();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${shown}: does not load: ${firstLine(error)}${commonJsHint(error)}`);
  }
  const exported = exportsOf(module);
  const names = ['default', ...Object.keys(exported).filter((name) => name !== 'default').sort()];
  const seen = new Set<unknown>();
  const found: LoadedScenario[] = [];
  for (const name of names) {
    const value = Object.prototype.hasOwnProperty.call(exported, name) ? exported[name] : undefined;
    if (!looksLikeScenario(value) || seen.has(value)) continue;
    seen.add(value);
    rememberScenarioFile(value, file);
    found.push({ scenario: value, file });
  }
  if (found.length === 0) throw new InputError(`${shown}: exports no scenario (write \`export default defineScenario({ ... })\`)`);
  return found;
}

/**
 * A module's exports. A TypeScript file compiled as CommonJS (in a package
 * without `"type": "module"`) arrives as `{ default: module.exports }`, with
 * its own `default` one level down.
 */
function exportsOf(module: Record<string, unknown>): Record<string, unknown> {
  const inner = module.default as Record<string, unknown> | undefined;
  if (typeof inner === 'object' && inner !== null && (inner as { __esModule?: unknown }).__esModule === true) return inner;
  return module;
}

/**
 * A scenario by shape rather than by class, so a file that imports another
 * copy of the package (a global install beside a local one) still loads.
 */
function looksLikeScenario(value: unknown): value is AnyScenario {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AnyScenario>;
  return typeof v.id === 'string' && typeof v.build === 'function' && typeof v.invariants === 'function' && typeof v.variants === 'object' && v.variants !== null;
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}

/**
 * A TypeScript file in a package without `"type": "module"` is compiled as
 * CommonJS, and its `import` of this package (an ES module) becomes a
 * `require` that Node refuses here.
 */
export function commonJsHint(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_REQUIRE_CYCLE_MODULE' || code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE'
    ? ' (scenario files are ES modules: name the file .mts, or add a package.json with {"type": "module"} to its folder)'
    : '';
}

export function firstLine(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'an exception that cannot be shown';
  }
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}
