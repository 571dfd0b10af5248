/**
 * The project's config file, `chaos-testbed.config.ts` (or `.mts`, `.js`,
 * `.mjs`, `.json`): which scenario files `chaos-testbed run` takes when none
 * are named, and defaults for its flags. It is looked for in the working
 * directory and its parents, up to the nearest folder with a package.json.
 * Its folder is the project's root: repro files name scenario files
 * relative to it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../kernel/plan-file.ts';
import { commonJsHint, displayPath, firstLine } from './scenario-module.ts';
import { ensureTypeScriptLoader } from './typescript-loader.ts';

/** What a config file may say. */
export interface TestbedConfig {
  /** Scenario files or globs, relative to the config's folder: `['incidents/**\/*.scenario.ts']`. */
  readonly scenarios: readonly string[];
  /** Default `--seed`. */
  readonly seed?: number;
  /** Default `--runs` of a campaign. */
  readonly runs?: number;
  /** Default `--out` (relative to the config's folder). */
  readonly out?: string;
  /** Default `--workers`. */
  readonly workers?: number;
  /** Default `--search`: `guided` or `random`. */
  readonly search?: 'random' | 'guided';
}

/** The project a command runs in. */
export interface Project {
  /** Where repro files' scenario paths are relative to: the config's folder, else the working directory. */
  readonly root: string;
  /** The config file, if there is one. */
  readonly configFile: string | undefined;
  readonly config: TestbedConfig | undefined;
}

export const CONFIG_FILES = ['chaos-testbed.config.ts', 'chaos-testbed.config.mts', 'chaos-testbed.config.js', 'chaos-testbed.config.mjs', 'chaos-testbed.config.json'];

/** Types a config file: `export default defineConfig({ scenarios: ['incidents/*.scenario.ts'] })`. */
export function defineConfig(config: TestbedConfig): TestbedConfig {
  return config;
}

/** Finds and reads the project's config (`explicit` is a `--config` path). */
export async function openProject(cwd: string, explicit?: string): Promise<Project> {
  const configFile = explicit === undefined ? findConfigFile(cwd) : resolve(cwd, explicit);
  if (configFile === undefined) return { root: cwd, configFile: undefined, config: undefined };
  if (!existsSync(configFile)) throw new InputError(`${displayPath(configFile)}: no such config file`);
  return { root: dirname(configFile), configFile, config: checkConfig(await readConfig(configFile), displayPath(configFile)) };
}

/** The config file in `dir` or the nearest parent, stopping at the folder of the nearest package.json. */
export function findConfigFile(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    for (const name of CONFIG_FILES) {
      const path = join(current, name);
      if (existsSync(path)) return path;
    }
    if (existsSync(join(current, 'package.json')) || dirname(current) === current) return undefined;
  }
}

async function readConfig(file: string): Promise<unknown> {
  const shown = displayPath(file);
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InputError(`${shown}: not valid JSON (${(error as Error).message})`);
    }
  }
  ensureTypeScriptLoader();
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    return module.default;
  } catch (error) {
    throw new InputError(`${shown}: does not load: ${firstLine(error)}${commonJsHint(error)}`);
  }
}

const KNOWN_KEYS = new Set(['scenarios', 'seed', 'runs', 'out', 'workers', 'search']);

function checkConfig(data: unknown, shown: string): TestbedConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError(`${shown}: must export an object (export default defineConfig({ scenarios: [...] }))`);
  const c = data as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!KNOWN_KEYS.has(key)) throw new InputError(`${shown}: unknown setting '${key}' (known: ${[...KNOWN_KEYS].join(', ')})`);
  if (!Array.isArray(c.scenarios) || c.scenarios.length === 0 || !c.scenarios.every((s) => typeof s === 'string' && s !== '')) {
    throw new InputError(`${shown}: 'scenarios' must be a list of scenario files or globs, such as ["incidents/*.scenario.ts"]`);
  }
  const whole = (key: string, min: number, max: number) => {
    const v = c[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max)) throw new InputError(`${shown}: '${key}' must be a whole number from ${min} to ${max}`);
  };
  whole('seed', 0, 0xffff_ffff);
  whole('runs', 1, Number.MAX_SAFE_INTEGER);
  whole('workers', 1, 1024);
  if (c.out !== undefined && (typeof c.out !== 'string' || c.out === '')) throw new InputError(`${shown}: 'out' must be a folder name`);
  if (c.search !== undefined && c.search !== 'random' && c.search !== 'guided') throw new InputError(`${shown}: 'search' must be 'random' or 'guided'`);
  return c as unknown as TestbedConfig;
}
