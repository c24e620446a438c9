/** Longest body excerpt quoted when an answer has no HTML title, in characters. */
const SEEN_CHARS = 80;

/**
 * What an unexpected answer's body is, for people (error messages): its
 * HTML title, else its first characters.
 *
 * @param body - the body as text
 * @returns e.g. `an HTML page titled "Access denied"`, `a body starting "{"a":1}"` or `an empty body`
 */
export function describeBody(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.replace(/\s+/g, ' ').trim();
  if (title !== undefined && title !== '') return `an HTML page titled "${title}"`;
  const start = body.replace(/\s+/g, ' ').trim().slice(0, SEEN_CHARS);
  return start === '' ? 'an empty body' : `a body starting "${start}"`;
}
