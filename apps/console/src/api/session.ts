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
