/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating
 * Failure-Inducing Input", IEEE TSE 2002, algorithm ddmin): the smallest
 * sub-list of `items` that still fails, found by testing chunks and their
 * complements at a granularity that doubles when neither fails.
 *
 * The result is 1-minimal: ddmin ends only after testing, at granularity
 * |c|, every complement of a single item, and none failed. A failure that
 * needs one item of four costs about four tests here, against up to ten for
 * removing one item at a time; one that needs all of them costs a test per
 * item, as the removal pass does.
 */

/**
 * @param fails tests a sub-list (in the original order); called at most once per distinct sub-list when it is memoised by the caller
 * @returns the 1-minimal sub-list, and whether it is confirmed so (false when `stop` ended the search first)
 */
export function ddmin<T>(items: readonly T[], fails: (subset: readonly T[]) => boolean, stop: () => boolean): { readonly items: readonly T[]; readonly minimal: boolean } {
  let current = items;
  let granularity = 2;
  while (current.length >= 2) {
    const chunks = split(current, granularity);
    let reduced = false;
    for (const chunk of chunks) {
      if (stop()) return { items: current, minimal: false };
      if (fails(chunk)) {
        current = chunk;
        granularity = 2;
        reduced = true;
        break;
      }
    }
    // With two chunks each complement is the other chunk, tested already.
    if (!reduced && granularity > 2) {
      for (let i = 0; i < chunks.length; i++) {
        if (stop()) return { items: current, minimal: false };
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (fails(complement)) {
          current = complement;
          granularity = Math.max(granularity - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (reduced) continue;
    if (granularity >= current.length) break;
    granularity = Math.min(current.length, 2 * granularity);
  }
  return { items: current, minimal: true };
}

/** `items` in `n` consecutive chunks of sizes differing by at most one. */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks;
}
