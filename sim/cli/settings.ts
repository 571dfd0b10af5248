/**
 * A command's settings: its flags over the config's defaults over the
 * built-in ones.
 */
import { resolve } from 'node:path';
import type { Project } from '../load/config.ts';
import { DEFAULT_OUT, DEFAULT_SEED, type CliOptions } from './args.ts';

export interface Settings {
  readonly seed: number;
  /** `--runs`, else the config's `runs`; `undefined` when neither says. */
  readonly runs: number | undefined;
  readonly workers: number;
  /** The output folder, as the user would type it (relative to the working directory when inside it). */
  readonly out: string;
  readonly runTimeoutMs: number | undefined;
  readonly runMemoryMb: number | undefined;
}

export function settingsFor(options: CliOptions, project: Project): Settings {
  const config = project.config;
  const configOut = config?.out === undefined ? undefined : resolve(project.root, config.out);
  return {
    seed: options.seed ?? config?.seed ?? DEFAULT_SEED,
    runs: options.runs ?? config?.runs,
    workers: options.workers ?? config?.workers ?? 1,
    out: options.out ?? (configOut === undefined ? DEFAULT_OUT : relativeToCwd(configOut)),
    runTimeoutMs: options.runTimeoutMs,
    runMemoryMb: options.runMemoryMb,
  };
}

function relativeToCwd(path: string): string {
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
