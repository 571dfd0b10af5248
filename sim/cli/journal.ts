/**
 * The journal of a campaign: every run's result, appended as it arrives, so
 * an interrupted command (Ctrl-C, a killed CI job, a crash) loses nothing
 * it finished. `--resume` reads it back and runs only what is missing; the
 * result is the same as an uninterrupted command's (the summary is a pure
 * function of the set of results). A line cut short by the interruption is
 * not a result, and is run again.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CampaignSpec } from '../explore/campaign.ts';
import type { CaseResult } from '../explore/explore-run.ts';
import { fingerprintId } from '../explore/failure.ts';
import { isCaseResult } from '../explore/case-shape.ts';
import type { Shard } from '../explore/shard.ts';
import { KERNEL_VERSION } from '../kernel/run.ts';
import { stableStringify } from '../kernel/stable-json.ts';

export const JOURNAL_DIR = '.journal';

export class Journal {
  private constructor(
    readonly path: string,
    /** Results already journaled (read back by `--resume`). */
    readonly done: ReadonlyMap<number, CaseResult>,
  ) {}

  /**
   * The journal of one campaign in `outDir`. With `resume`, what an earlier
   * command journaled for this same campaign is read back; otherwise any
   * earlier journal of it is discarded.
   */
  static open(outDir: string, scenarioFile: string, spec: CampaignSpec, shard: Shard | undefined, resume: boolean): Journal {
    const key = `${spec.scenario.replace('/', '__')}-${spec.variant}-seed${spec.seed}-${fingerprintId(stableStringify({ scenarioFile, spec, shard: shard ?? null, kernel: KERNEL_VERSION }))}`;
    const dir = join(outDir, JOURNAL_DIR);
    const path = join(dir, `${key}.jsonl`);
    const done = new Map<number, CaseResult>();
    if (resume && existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const result = parseLine(line, spec.runs);
        if (result !== undefined) done.set(result.index, result);
      }
    }
    mkdirSync(dir, { recursive: true });
    if (!resume || !existsSync(path)) writeFileSync(path, '');
    return new Journal(path, done);
  }

  append(result: CaseResult): void {
    appendFileSync(this.path, JSON.stringify(result) + '\n');
  }

  /** The command finished: nothing left to resume. */
  remove(): void {
    rmSync(this.path, { force: true });
  }
}

function parseLine(line: string, runs: number): CaseResult | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return isCaseResult(value, runs) ? value : undefined;
  } catch {
    return undefined;
  }
}
