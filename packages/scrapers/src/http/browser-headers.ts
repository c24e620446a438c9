/** Chromium major version whose request headers the plain HTTP client sends. */
const CHROMIUM_MAJOR = 131;

/** User-Agent of a current desktop Chromium on Linux, as the plain HTTP client sends it. */
export const CHROMIUM_USER_AGENT = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${CHROMIUM_MAJOR}.0.0.0 Safari/537.36`;

/** What a request is, for the headers a browser would send with it. */
export type HttpRequestKind = 'page' | 'api';

const COMMON: Readonly<Record<string, string>> = Object.freeze({
  'user-agent': CHROMIUM_USER_AGENT,
  'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br',
  'sec-ch-ua': `"Chromium";v="${CHROMIUM_MAJOR}", "Not_A Brand";v="24"`,
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
});

/**
 * The headers Chromium sends with a top-level navigation (`page`) or with a
 * same-origin `fetch` of a page's script (`api`): User-Agent, Accept,
 * Accept-Language, Accept-Encoding (gzip, deflate, br: the client
 * decompresses), the `sec-ch-ua*` client hints and the `Sec-Fetch-*` metadata.
 *
 * @param kind - a page navigation or a site-API call
 * @param referer - the page an API call is made from (sent as `referer`), or `null`
 * @returns lower-case header names to values
 */
export function browserHeaders(kind: HttpRequestKind, referer: string | null = null): Record<string, string> {
  if (kind === 'page') {
    return {
      ...COMMON,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8',
      'upgrade-insecure-requests': '1',
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'none',
      'sec-fetch-user': '?1',
    };
  }
  return {
    ...COMMON,
    accept: '*/*',
    'sec-fetch-dest': 'empty',
    'sec-fetch-mode': 'cors',
    'sec-fetch-site': 'same-origin',
    ...(referer === null ? {} : { referer }),
  };
}
