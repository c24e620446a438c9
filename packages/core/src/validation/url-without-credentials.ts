/** Options of {@link urlWithoutCredentials}. */
export interface UrlWithoutCredentialsOptions {
  /** Drop the fragment (`#…`) too; default `false`. */
  readonly dropFragment?: boolean;
}

/** `scheme://` then user info up to the last `@` before the host, in a string the URL parser refuses. */
const AUTHORITY_USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;
/** Anything still shaped like `user:password@`. */
const LEFTOVER_USER_INFO = /[^\s/@:]*:[^\s/@]*@/g;

/**
 * A URL or connection string without its user info (`user:password@`), for
 * logs, error messages and stored listing URLs. A string that has none comes
 * back exactly as given; one the WHATWG URL parser accepts is re-serialised
 * by it; one it refuses (a MongoDB connection string with several hosts,
 * `mongodb://u:p@db1:27017,db2:27017/`) has its user info cut out as text.
 * Whatever the input, no `name:password@` is left in the result.
 *
 * @param url - a URL or connection string, as configured or given
 * @param options - `dropFragment` to drop `#…` too (a listing URL's fragment never names another page)
 * @returns the string without credentials (and fragment, when asked); never throws
 *
 * @example
 * ```ts
 * urlWithoutCredentials('https://otel:s3cret@collector.example/v1/traces'); // 'https://collector.example/v1/traces'
 * ```
 */
export function urlWithoutCredentials(url: string, options: UrlWithoutCredentialsOptions = {}): string {
  const dropFragment = options.dropFragment ?? false;
  if (!url.includes('@') && !(dropFragment && url.includes('#'))) return url;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (parsed !== null && parsed.host !== '') {
    parsed.username = '';
    parsed.password = '';
    if (dropFragment) parsed.hash = '';
    return parsed.href.replace(LEFTOVER_USER_INFO, '');
  }
  const text = url.replace(AUTHORITY_USER_INFO, '$1');
  return (dropFragment ? text.replace(/#.*$/s, '') : text).replace(LEFTOVER_USER_INFO, '');
}
