/**
 * Where sign-in leads: the `next` path the person was sent from, when it is a path of this console (never another
 * origin: "//host" and "/\host" are refused, as browsers read both as another host), else the jobs page.
 *
 * @param next - the `next` search parameter of /sign-in, or null
 * @returns a path starting with a single "/"
 */
export function pathAfterSignIn(next: string | null): string {
  return next !== null && /^\/(?![/\\])/.test(next) ? next : '/jobs';
}
