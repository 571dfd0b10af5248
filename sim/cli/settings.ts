/**
 * A command's settings: its flags over the config's defaults over the
 * built-in ones.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { Project } from '../load/config.ts';
import { DEFAULT_OUT, DEFAULT_SEARCH, DEFAULT_SEED, type CliOptions } from './args.ts';
import { DEFAULT_LANES } from '../explore/guided/layout.ts';
import type { SearchMode } from '../explore/search-mode.ts';
import { InputError } from '../kernel/plan-file.ts';

export interface Settings {
  readonly seed: number;
  /** How campaigns choose plans: `--search`, else the config's, else {@link DEFAULT_SEARCH}. */
  readonly search: SearchMode;
  /** Lanes of a guided campaign: `--lanes`, else the shard count, else {@link DEFAULT_LANES}; `undefined` for a random one. */
  readonly lanes: number | undefined;
  /** `--runs`, else the config's `runs`; `undefined` when neither says. */
  readonly runs: number | undefined;
  /** `--workers`, else the config's `workers`, else one per core: results are the same on any number, only sooner. */
  readonly workers: number;
  /** The output folder, as the user would type it (relative to the working directory when inside it). */
  readonly out: string;
  readonly runTimeoutMs: number | undefined;
  readonly runMemoryMb: number | undefined;
}

export function settingsFor(options: CliOptions, project: Project): Settings {
  const config = project.config;
  const configOut = config?.out === undefined ? undefined : resolve(project.root, config.out);
  const search = options.search ?? config?.search ?? DEFAULT_SEARCH;
  if (options.lanes !== undefined && search === 'random') throw new InputError('--lanes goes with --search guided (a random campaign has no lanes)');
  // A guided campaign's shards split its lanes (sim/explore/guided/layout.ts): N shards get N lanes unless
  // --lanes says more, so `--shard auto/N` works as it is; the same campaign in one command is `--lanes N`.
  const lanes = search === 'guided' ? (options.lanes ?? options.shard?.count ?? DEFAULT_LANES) : undefined;
  // A shard without a lane would run nothing.
  if (lanes !== undefined && options.shard !== undefined && options.shard.count > lanes) {
    throw new InputError(`--shard ${options.shard.index}/${options.shard.count}: a guided campaign is split by lane and has ${lanes}; give --lanes ${options.shard.count} (each lane searches alone) or --search random`);
  }
  return {
    seed: options.seed ?? config?.seed ?? DEFAULT_SEED,
    search,
    lanes,
    runs: options.runs ?? config?.runs,
    workers: options.workers ?? config?.workers ?? availableParallelism(),
    out: options.out ?? (configOut === undefined ? DEFAULT_OUT : relativeToCwd(configOut)),
    runTimeoutMs: options.runTimeoutMs,
    runMemoryMb: options.runMemoryMb,
  };
}

function relativeToCwd(path: string): string {
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}
