/**
 * Reads an async iterable to its end, failing when that takes longer than `timeoutMs`.
 *
 * @returns every value read
 */
export async function collect<T>(
  iterable: AsyncIterable<T>,
  timeoutMs: number,
  onValue?: (value: T) => void | Promise<void>,
): Promise<T[]> {
  const values: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`iteration did not end within ${timeoutMs} ms (${values.length} values read)`)), timeoutMs);
  });
  const read = (async () => {
    for await (const value of iterable) {
      values.push(value);
      await onValue?.(value);
    }
  })();
  try {
    await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return values;
}

/** Polls `check` every 20 ms until it returns a value other than `undefined`/`false`, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
