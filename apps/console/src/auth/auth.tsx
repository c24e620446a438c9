import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createApiClient, type ApiClient } from '../api/client.js';
import { readSession, signIn as postSession, signOut as deleteSession, toApiKeyRole, type SessionPrincipal } from '../api/session.js';

/** The signed-in API key (GET /session, the same as Query.me). */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: 'ADMIN' | 'READ';
}

/**
 * Where the session stands: being checked at start, signed out, signed in as a principal, or unknown because the
 * server or its database is unavailable (checked again until it answers).
 */
export type AuthState =
  | { readonly status: 'checking' }
  | { readonly status: 'signed-out' }
  | { readonly status: 'signed-in'; readonly principal: Principal }
  | { readonly status: 'unavailable'; readonly message: string };

/** What pages read from {@link useAuth}. */
export interface AuthContextValue {
  readonly state: AuthState;
  /** true for an admin key: the action buttons exist. */
  readonly canAct: boolean;
  /** While signed in: a note that the last session check found the server unavailable (it is retried), else null. */
  readonly notice: string | null;
  /**
   * Signs in with an API key (POST /session).
   *
   * @throws SessionError when the key is refused or the server fails
   */
  signIn(apiKey: string): Promise<void>;
  /** Signs out (DELETE /session) and forgets every cached answer. */
  signOut(): Promise<void>;
  /** Reads GET /session again: updates the role, or goes to sign-in when the session is gone. Never throws. */
  recheck(): void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

function toPrincipal(principal: SessionPrincipal): Principal {
  return { keyId: principal.keyId, name: principal.name, role: toApiKeyRole(principal.role) };
}

/**
 * The session and its GraphQL client: reads GET /session at start; only a 401 (or an UNAUTHENTICATED answer) signs
 * out. A 503 or no answer shows "The server or its database is unavailable; retrying…" and checks again after
 * Retry-After (default 2 s), keeping the person where they are. The session is read again when the tab becomes
 * visible and when an operation answers FORBIDDEN (another tab may have signed in with another key). A new client (empty cache, new socket) is made at each
 * sign-in and sign-out and when the session's key changed.
 *
 * @param props - the app to render inside
 * @returns the providers
 */
export function AuthProvider(props: { readonly children: ReactNode }): ReactNode {
  const [state, setState] = useState<AuthState>({ status: 'checking' });
  const [notice, setNotice] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const signedInKey = useRef<string | null>(null);
  const retryTimer = useRef<number | undefined>(undefined);

  const signOutLocally = useCallback(() => {
    if (signedInKey.current !== null) setGeneration((g) => g + 1);
    signedInKey.current = null;
    setNotice(null);
    setState({ status: 'signed-out' });
  }, []);

  const check = useCallback(async (): Promise<void> => {
    window.clearTimeout(retryTimer.current);
    const session = await readSession();
    if (session.kind === 'signed-out') {
      signOutLocally();
      return;
    }
    if (session.kind === 'unavailable') {
      if (signedInKey.current !== null) setNotice(session.message);
      else setState({ status: 'unavailable', message: session.message });
      window.clearTimeout(retryTimer.current);
      retryTimer.current = window.setTimeout(() => void check(), session.retryMs);
      return;
    }
    const principal = toPrincipal(session.principal);
    // Another tab signed in with another key: answers cached for the old key must go.
    if (signedInKey.current !== null && signedInKey.current !== principal.keyId) setGeneration((g) => g + 1);
    signedInKey.current = principal.keyId;
    setNotice(null);
    setState((s) =>
      s.status === 'signed-in' &&
      s.principal.keyId === principal.keyId &&
      s.principal.role === principal.role &&
      s.principal.name === principal.name
        ? s
        : { status: 'signed-in', principal },
    );
  }, [signOutLocally]);

  const onUnauthenticated = useCallback(() => signOutLocally(), [signOutLocally]);

  const onForbidden = useCallback(() => void check(), [check]);

  const api: ApiClient = useMemo(() => {
    void generation;
    return createApiClient({ onUnauthenticated, onForbidden });
  }, [generation, onUnauthenticated, onForbidden]);
  useEffect(() => () => api.close(), [api]);

  useEffect(() => {
    void check();
    return () => window.clearTimeout(retryTimer.current);
  }, [check]);

  // Another tab may have signed in with another key or signed out: read the session again when this tab is seen again.
  useEffect(() => {
    const onVisible = (): void => {
      if (document.visibilityState === 'visible' && signedInKey.current !== null) void check();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [check]);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      canAct: state.status === 'signed-in' && state.principal.role === 'ADMIN',
      notice,
      async signIn(apiKey) {
        const principal = toPrincipal(await postSession(apiKey));
        if (signedInKey.current !== null && signedInKey.current !== principal.keyId) setGeneration((g) => g + 1);
        signedInKey.current = principal.keyId;
        setNotice(null);
        setState({ status: 'signed-in', principal });
      },
      async signOut() {
        await deleteSession();
        signOutLocally();
      },
      recheck() {
        void check();
      },
    }),
    [state, notice, check, signOutLocally],
  );

  return (
    <UrqlProvider value={api.client}>
      <AuthContext.Provider value={value}>{props.children}</AuthContext.Provider>
    </UrqlProvider>
  );
}

/**
 * The session, for pages and the layout.
 *
 * @returns the {@link AuthContextValue}
 * @throws Error when used outside {@link AuthProvider}
 */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
