/**
 * Names what a value is, with its article, for messages such as
 * `must be a Buffer; got an ArrayBuffer`: `null`, `undefined`, `an array`,
 * `a URL object`, `an ArrayBuffer`, `a Uint8Array`, `a string`, `an object`,
 * `a number`, ...
 *
 * @param value - any value a caller passed
 * @returns a short English noun phrase naming its type (never the value itself, which may be long or secret)
 * @example
 * ```ts
 * describeValue({}); // 'an object'
 * describeValue(new URL('https://x.test/')); // 'a URL object'
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (undefined)';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof URL) return 'a URL object';
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? withArticle(name) : 'an object';
  }
  return withArticle(typeof value);
}

function withArticle(noun: string): string {
  return `${/^([aeio]|un)/i.test(noun) ? 'an' : 'a'} ${noun}`;
}
