/**
 * `testRepro`: the regression test `chaos-testbed replay FILE --emit-test`
 * writes. Two tests: the repro replays exactly on its own variant, and the
 * `fixed` variant holds under the same seed and plan.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { run } from '../kernel/run.ts';
import { describeDivergence, replay } from '../repro/replay.ts';
import { readReproFile } from '../repro/repro-file.ts';
import { resolverFor } from '../load/resolve-scenario.ts';
import { projectHere } from './project-here.ts';

export function testRepro(file: URL | string): void {
  let loading: ReturnType<typeof readReproFile> | undefined;
  const load = () => (loading ??= projectHere().then((project) => readReproFile(file, resolverFor(project))));
  const name = String(file).split('/').pop() ?? String(file);
  test(`${name} replays exactly, with the recorded outcome`, async () => {
    const { repro, scenario } = await load();
    const replayed = replay(repro, scenario);
    expect(replayed.divergence === undefined ? 'identical' : describeDivergence(replayed.divergence)).toBe('identical');
    expect(replayed.result.outcome).toEqual(repro.expected.outcome);
  });
  if (recordedVariant(file) === 'fixed') return;
  test(`${name}: the fixed variant holds under the same seed and plan`, async () => {
    const { repro, scenario } = await load();
    expect(run(scenario, 'fixed', repro.seed, repro.plan).outcome).toEqual({ kind: 'pass' });
  });
}

/** The variant a repro file names, read early to know which tests to register (a bad file fails the first test). */
function recordedVariant(file: URL | string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { variant?: string }).variant;
  } catch {
    return undefined;
  }
}
