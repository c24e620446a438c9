import { sliceJsonValue } from '../../src/listing/index.js';

/** A JSON-compatible object a test edits in place. */
export type Json = Record<string, unknown>;

const NEXT_DATA_RE = /(<script id="__NEXT_DATA__"[^>]*>)([\s\S]*?)(<\/script>)/;

/** JSON text safe inside a `<script>` element. */
function scriptSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * Rewrites the listing's `property` object inside a saved Zillow page's
 * `__NEXT_DATA__` (2024 or 2023 path, cache as a string or an object), the
 * way a site change would: the rest of the page stays byte for byte.
 */
export function editZillowProperty(html: string, edit: (property: Json) => void): string {
  const m = NEXT_DATA_RE.exec(html);
  if (m === null) throw new Error('no __NEXT_DATA__ in the saved page');
  const next = JSON.parse(m[2] ?? '') as { props: { pageProps: Json & { componentProps?: Json } } };
  const holder =
    next.props.pageProps.componentProps?.['gdpClientCache'] !== undefined ? next.props.pageProps.componentProps : next.props.pageProps;
  const raw = holder['gdpClientCache'];
  const cache = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, { property: Json }>;
  const first = Object.values(cache)[0];
  if (first === undefined) throw new Error('empty gdpClientCache');
  edit(first.property);
  holder['gdpClientCache'] = typeof raw === 'string' ? JSON.stringify(cache) : cache;
  return html.replace(NEXT_DATA_RE, (_all, open: string, _text: string, close: string) => `${open}${scriptSafe(next)}${close}`);
}

/**
 * Rewrites the `aboveTheFold` API body cached in a saved Redfin page's
 * `__reactServerState.InitialContext` (the `{}&&` prefix kept).
 */
export function editRedfinAboveTheFold(html: string, edit: (body: Json) => void): string {
  const m = /__reactServerState\.InitialContext\s*=\s*/.exec(html);
  if (m === null) throw new Error('no __reactServerState.InitialContext in the saved page');
  const start = m.index + m[0].length;
  const text = sliceJsonValue(html, start);
  if (text === undefined) throw new Error('InitialContext does not end');
  const context = JSON.parse(text) as Record<string, { dataCache: Record<string, { res: { text: string } }> }>;
  const dataCache = context['ReactServerAgent.cache']?.dataCache ?? {};
  const key = Object.keys(dataCache).find((k) => k.startsWith('/stingray/api/home/details/aboveTheFold'));
  const entry = key === undefined ? undefined : dataCache[key];
  if (entry === undefined) throw new Error('no aboveTheFold entry');
  const body = JSON.parse(entry.res.text.replace(/^\{\}&&/, '')) as Json;
  edit(body);
  entry.res.text = `{}&&${JSON.stringify(body)}`;
  return html.slice(0, start) + scriptSafe(context) + html.slice(start + text.length);
}

/** An HTML answer for a replay extra page. */
export function htmlAnswer(text: string, status = 200): { status: number; contentType: string; body: Buffer } {
  return { status, contentType: 'text/html; charset=utf-8', body: Buffer.from(text, 'utf8') };
}

/** The error `promise` rejects with, or `null` when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}
