/**
 * The fast-check seed of every property in the suite: `FC_SEED` if set, else
 * a fixed default, so a test run is reproducible everywhere (fast-check and
 * @fast-check/vitest otherwise seed from the wall clock).
 */
export const DEFAULT_FC_SEED = 20_261_122;

export function fastCheckSeed(): number {
  const raw = process.env.FC_SEED;
  if (raw === undefined || raw === '') return DEFAULT_FC_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got '${raw}'`);
  return seed;
}
