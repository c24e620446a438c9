/**
 * Calls `work` on every item, at most `concurrency` at a time, taking items
 * in order as slots free up.
 *
 * @param items - the items
 * @param concurrency - calls in flight at once (≥ 1)
 * @param work - the call; a rejection rejects the whole run
 */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}
