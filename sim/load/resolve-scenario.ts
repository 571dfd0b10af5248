/**
 * Finding the scenario a repro or shard file names, in the project where it
 * is replayed: the recorded file (relative to the project root) first, then
 * every scenario the project's config names.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyScenario } from '../kernel/scenario.ts';
import type { Project } from './config.ts';
import { discoverScenarios } from './discover.ts';
import { loadScenarioModule, type LoadedScenario } from './scenario-module.ts';

/** The loaded scenario `id`, from `file` if it declares it, else from the config's scenarios. */
export async function resolveScenario(project: Project, id: string, file: string | undefined): Promise<LoadedScenario | undefined> {
  if (file !== undefined) {
    const path = resolve(project.root, file);
    if (existsSync(path)) {
      const found = (await loadScenarioModule(path)).find((e) => e.scenario.id === id);
      if (found !== undefined) return found;
    }
  }
  if (project.config === undefined) return undefined;
  return (await discoverScenarios(project.config.scenarios, project.root)).find(id);
}

/** {@link resolveScenario} in the shape repro reading takes. */
export function resolverFor(project: Project): (id: string, file: string | undefined) => Promise<AnyScenario | undefined> {
  return async (id, file) => (await resolveScenario(project, id, file))?.scenario;
}
