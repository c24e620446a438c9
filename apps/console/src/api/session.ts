/** The signed-in API key as POST/GET /session answer it. */
export interface SessionPrincipal {
  readonly keyId: string;
  readonly name: string;
  readonly role: 'read' | 'admin';
}

/** A sign-in or sign-out the server refused or could not answer; `status` is the HTTP status (0: no answer). */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  /**
   * @param message - what went wrong, for display
   * @param status - the HTTP status, 0 when the server was not reached
   */
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function firstErrorMessage(response: Response): Promise<string | null> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && 'errors' in body && Array.isArray(body.errors)) {
      const first: unknown = body.errors[0];
      if (typeof first === 'object' && first !== null && 'message' in first && typeof first.message === 'string') return first.message;
    }
  } catch {
    // Not JSON: the status line says enough.
  }
  return null;
}

/**
 * Signs in: POST /session with the API key; the server sets the HttpOnly session cookie.
 *
 * @param apiKey - the key, as `npm run apikey -- create` printed it
 * @returns the key's principal
 * @throws SessionError with status 401 for a bad, unknown or revoked key; another status or 0 when the server failed
 */
export async function signIn(apiKey: string): Promise<SessionPrincipal> {
  let response: Response;
  try {
    response = await fetch('/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ apiKey }),
    });
  } catch (error) {
    throw new SessionError(`The server could not be reached: ${error instanceof Error ? error.message : String(error)}`, 0);
  }
  if (!response.ok) {
    const message = (await firstErrorMessage(response)) ?? `Sign-in failed: HTTP ${response.status}`;
    throw new SessionError(response.status === 401 ? `That API key was not accepted: ${message}` : message, response.status);
  }
  return (await response.json()) as SessionPrincipal;
}

/**
 * Signs out: DELETE /session; the server deletes the session and clears the cookie.
 *
 * @returns when the server answered (204, or 401 when the session was already gone)
 * @throws SessionError when the server could not be reached or failed
 */
export async function signOut(): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/session', { method: 'DELETE', credentials: 'same-origin' });
  } catch (error) {
    throw new SessionError(`The server could not be reached: ${error instanceof Error ? error.message : String(error)}`, 0);
  }
  if (!response.ok && response.status !== 401) throw new SessionError(`Sign-out failed: HTTP ${response.status}`, response.status);
}

/** How long to wait before checking the session again when the server gave no usable Retry-After, in ms. */
const DEFAULT_RETRY_MS = 2_000;
/** The longest wait between two session checks, in ms, whatever Retry-After says. */
const MAX_RETRY_MS = 30_000;

/** What a GET /session answer means for the console (without the principal: see {@link SessionCheck}). */
export type SessionCheckOutcome =
  { readonly kind: 'signed-in' } | { readonly kind: 'signed-out' } | { readonly kind: 'unavailable'; readonly retryMs: number };

/**
 * Reads the status of a GET /session answer. Only 401 (no session, expired, key revoked) and 403 (the cookie does not
 * belong to this origin) mean signed out; 503 (the database is down), any other status and no answer at all (status 0)
 * mean the server cannot tell now: check again after Retry-After (whole seconds, 1–30 s) or 2 s.
 *
 * @param status - the HTTP status, 0 when the server was not reached
 * @param retryAfter - the Retry-After header, or null
 * @returns signed in, signed out, or unavailable with the wait before the next check in ms
 */
export function sessionCheckOutcome(status: number, retryAfter: string | null): SessionCheckOutcome {
  if (status === 200) return { kind: 'signed-in' };
  if (status === 401 || status === 403) return { kind: 'signed-out' };
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : null;
  const retryMs = seconds === null ? DEFAULT_RETRY_MS : Math.min(MAX_RETRY_MS, Math.max(1_000, seconds * 1_000));
  return { kind: 'unavailable', retryMs };
}

/**
 * The GraphQL ApiKeyRole of a session's role.
 *
 * @param role - "admin" or "read", as /session answers it
 * @returns "ADMIN" or "READ"
 */
export function toApiKeyRole(role: SessionPrincipal['role']): 'ADMIN' | 'READ' {
  return role === 'admin' ? 'ADMIN' : 'READ';
}

/** The session as GET /session told it: signed in with the principal, signed out, or the server unavailable (with a message and the wait before the next check). */
export type SessionCheck =
  | { readonly kind: 'signed-in'; readonly principal: SessionPrincipal }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'unavailable'; readonly retryMs: number; readonly message: string };

/** Shown while the server or its database cannot tell whether the session is valid. */
export const UNAVAILABLE_MESSAGE = 'The server or its database is unavailable; retrying…';

/**
 * Reads the current session: GET /session (same-origin cookie). Never throws: no answer counts as unavailable.
 *
 * @returns see {@link SessionCheck} and {@link sessionCheckOutcome}
 */
export async function readSession(): Promise<SessionCheck> {
  let response: Response;
  try {
    response = await fetch('/session', { method: 'GET', credentials: 'same-origin', headers: { accept: 'application/json' } });
  } catch {
    return { kind: 'unavailable', retryMs: DEFAULT_RETRY_MS, message: UNAVAILABLE_MESSAGE };
  }
  const outcome = sessionCheckOutcome(response.status, response.headers.get('retry-after'));
  if (outcome.kind === 'unavailable') return { ...outcome, message: UNAVAILABLE_MESSAGE };
  if (outcome.kind === 'signed-out') return outcome;
  try {
    return { kind: 'signed-in', principal: (await response.json()) as SessionPrincipal };
  } catch {
    return { kind: 'unavailable', retryMs: DEFAULT_RETRY_MS, message: UNAVAILABLE_MESSAGE };
  }
}
