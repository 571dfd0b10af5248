/**
 * Scenario discovery: files and globs (from the command line, or from the
 * config) to the scenarios they export. The built-in incident library is
 * found this way too, through this repository's own config.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { InputError } from '../kernel/plan-file.ts';
import type { AnyScenario } from '../kernel/scenario.ts';
import { displayPath, loadScenarioModule, type LoadedScenario } from './scenario-module.ts';

/** The scenarios a command works on, in the order their files were named. */
export class ScenarioSet {
  constructor(readonly entries: readonly LoadedScenario[]) {}

  get scenarios(): AnyScenario[] {
    return this.entries.map((e) => e.scenario);
  }

  /** The entry with this id, or `undefined`. */
  find(id: string): LoadedScenario | undefined {
    return this.entries.find((e) => e.scenario.id === id);
  }

  /** The entry with this id; an unknown id is an input error listing the known ones. */
  get(id: string): LoadedScenario {
    const entry = this.find(id);
    if (entry === undefined) throw new InputError(`unknown scenario '${id}' (known: ${this.entries.map((e) => e.scenario.id).join(', ')})`);
    return entry;
  }
}

/** Files matching `patterns` (paths or globs, relative to `baseDir`), each once, in order. */
export function scenarioFiles(patterns: readonly string[], baseDir: string): string[] {
  const files: string[] = [];
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      const matched = globSync(pattern, { cwd: baseDir, absolute: true, ignore: ['**/node_modules/**'] }).sort();
      if (matched.length === 0) throw new InputError(`no scenario file matches '${pattern}'`);
      files.push(...matched);
    } else {
      const file = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
      if (!existsSync(file)) throw new InputError(`${displayPath(file)}: no such scenario file`);
      files.push(file);
    }
  }
  return [...new Set(files)];
}

/** Loads every scenario the patterns name; two files declaring one id is an input error. */
export async function discoverScenarios(patterns: readonly string[], baseDir: string): Promise<ScenarioSet> {
  const entries: LoadedScenario[] = [];
  const byId = new Map<string, LoadedScenario>();
  for (const file of scenarioFiles(patterns, baseDir)) {
    for (const entry of await loadScenarioModule(file)) {
      const other = byId.get(entry.scenario.id);
      if (other !== undefined) {
        const where = other.file === entry.file ? `twice in ${displayPath(file)}` : `in both ${displayPath(other.file)} and ${displayPath(entry.file)}`;
        throw new InputError(`scenario id '${entry.scenario.id}' is declared ${where}`);
      }
      byId.set(entry.scenario.id, entry);
      entries.push(entry);
    }
  }
  return new ScenarioSet(entries);
}

/** A scenario file's path as a repro file records it: relative to the project root, with forward slashes. */
export function projectRelative(root: string, file: string): string {
  return relative(root, file).split('\\').join('/');
}
