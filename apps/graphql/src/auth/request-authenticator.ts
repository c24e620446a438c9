import type { IncomingMessage } from 'node:http';
import { AccessError } from './access-error.js';
import type { AccessGuard } from './access-guard.js';
import type { ApiPrincipal } from './api-key.js';
import { sessionTokenOf } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

/** Options of {@link RequestAuthenticator}. */
export interface RequestAuthenticatorOptions {
  /** The key rules (Bearer keys, dev mode, key ids). Borrowed. */
  readonly guard: AccessGuard;
  /** Where browser sessions are looked up. Borrowed. */
  readonly sessions: SessionStore;
  /** The public base of the server for a request (see `createPublicOrigin`); its origin is always allowed. */
  readonly publicOrigin: (request: IncomingMessage) => string;
  /** `CORS_ORIGINS`: other origins (`https://host[:port]`) whose pages may use the session cookie. */
  readonly corsOrigins: readonly string[];
}

/** Who is calling and with what credential. */
export interface AuthenticatedRequest {
  /** The caller. */
  readonly principal: ApiPrincipal;
  /** `bearer` (an `Authorization` key), `session` (the `phx_session` cookie) or `dev-mode` (no credential, dev mode). */
  readonly via: 'bearer' | 'session' | 'dev-mode';
  /** The `phx_session` token when `via` is `session` (to notice later that the session ended). */
  readonly sessionToken?: string;
}

/** Methods that change nothing: a browser may send them without `Origin` (same-origin `fetch`, `<img>`, a typed URL). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** `Sec-Fetch-Site` values of requests a page of this server (or the user) made. */
const OWN_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);

/**
 * Finds who is calling from a request's credentials: an `Authorization:
 * Bearer <key>` value first (it carries no ambient authority, so it is never
 * origin-checked); else the `phx_session` cookie, whose key is read again on
 * each use and which only pages of an allowed origin may use (cross-site
 * request forgery and cross-site WebSocket hijacking); else, in dev mode,
 * the dev-mode admin.
 *
 * The origin rule of a cookie-authenticated request: an `Origin` header
 * must be the server's public origin or one of `CORS_ORIGINS`; without
 * `Origin`, only GET and HEAD pass (browsers send `Origin` with every
 * cross-origin `fetch` and every other method; a same-origin GET or an
 * `<img>` carries none), and then only when `Sec-Fetch-Site`, if sent, is
 * `same-origin` or `none`.
 */
export class RequestAuthenticator {
  readonly #guard: AccessGuard;
  readonly #sessions: SessionStore;
  readonly #publicOrigin: (request: IncomingMessage) => string;
  readonly #corsOrigins: ReadonlySet<string>;

  /**
   * @param options - guard, session store, public origin, CORS origins
   */
  constructor(options: RequestAuthenticatorOptions) {
    this.#guard = options.guard;
    this.#sessions = options.sessions;
    this.#publicOrigin = options.publicOrigin;
    this.#corsOrigins = new Set(options.corsOrigins);
  }

  /**
   * Authenticates a request (HTTP, or a WebSocket upgrade with the key of its `connection_init`).
   *
   * @param request - the request; its `Cookie`, `Origin`, `Sec-Fetch-Site` and method are read
   * @param authorization - the `Authorization` value given (`Bearer <key>`), or `undefined`
   * @returns the principal and how it was found
   * @throws {@link AccessError} `UNAUTHENTICATED` for a bad key, an unknown or expired session, a session whose key was revoked,
   *   or no credential outside dev mode; `FORBIDDEN` for the session cookie from a page of another origin
   * @throws the driver's error when the database cannot be read
   */
  async authenticate(request: IncomingMessage, authorization: string | undefined): Promise<AuthenticatedRequest> {
    if (authorization !== undefined && authorization.trim() !== '') {
      return { principal: await this.#guard.authenticate(authorization), via: 'bearer' };
    }
    const token = sessionTokenOf(request);
    if (token === undefined) {
      const principal = await this.#guard.authenticate(undefined);
      return { principal, via: 'dev-mode' };
    }
    this.assertCookieOrigin(request);
    return { principal: await this.principalOfSession(token), via: 'session', sessionToken: token };
  }

  /**
   * The principal of a session token: the session must be live and its key still valid.
   *
   * @param token - the `phx_session` value
   * @returns the key's principal
   * @throws {@link AccessError} `UNAUTHENTICATED` for an unknown or expired session or a revoked key
   */
  async principalOfSession(token: string): Promise<ApiPrincipal> {
    const keyId = await this.#sessions.keyIdOf(token);
    if (keyId === null) {
      throw new AccessError('UNAUTHENTICATED', 'The session is unknown or has expired; sign in again (POST /session)', 'Session expired');
    }
    return this.#guard.authenticateKeyId(keyId);
  }

  /**
   * Checks that a request using the session cookie comes from a page of an
   * allowed origin (see the class description).
   *
   * @param request - the request
   * @throws {@link AccessError} `FORBIDDEN` when it does not
   */
  assertCookieOrigin(request: IncomingMessage): void {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      this.assertSentOrigin(request);
      return;
    }
    const method = request.method ?? 'GET';
    if (!SAFE_METHODS.has(method)) {
      throw new AccessError(
        'FORBIDDEN',
        `A ${method} request with the session cookie must carry an Origin header (this server's origin or one of CORS_ORIGINS)`,
        'Origin required with the session cookie',
      );
    }
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && !OWN_FETCH_SITES.has(site)) {
      throw new AccessError(
        'FORBIDDEN',
        `A ${site} request may not use the session cookie; send "Authorization: Bearer <key>" instead`,
        'Cross-origin use of the session cookie',
      );
    }
  }

  /**
   * Checks the `Origin` header when one is sent: it must be the server's
   * public origin or one of `CORS_ORIGINS`.
   *
   * @param request - the request
   * @throws {@link AccessError} `FORBIDDEN` naming the refused origin
   */
  assertSentOrigin(request: IncomingMessage): void {
    const origin = request.headers.origin;
    if (origin === undefined || this.isAllowedOrigin(request, origin)) return;
    throw new AccessError(
      'FORBIDDEN',
      `Origin ${origin} may not use the session cookie: it is neither this server's origin nor one of CORS_ORIGINS`,
      'Origin not allowed',
    );
  }

  /**
   * Whether pages of an origin may use the session cookie on this server.
   *
   * @param request - the request (for the server's public origin behind a trusted proxy)
   * @param origin - an `Origin` header value
   * @returns `true` for the server's public origin and the `CORS_ORIGINS`
   */
  isAllowedOrigin(request: IncomingMessage, origin: string): boolean {
    return this.#corsOrigins.has(origin) || origin === new URL(this.#publicOrigin(request)).origin;
  }

  /**
   * Whether the server is reached over https for this request (`PUBLIC_URL`, or a trusted proxy's `X-Forwarded-Proto`):
   * the session cookie is then `Secure`.
   *
   * @param request - the request
   * @returns `true` over https
   */
  isSecure(request: IncomingMessage): boolean {
    return this.#publicOrigin(request).startsWith('https:');
  }

  /** The session store (sign-in and sign-out open and close sessions in it). */
  get sessions(): SessionStore {
    return this.#sessions;
  }
}
