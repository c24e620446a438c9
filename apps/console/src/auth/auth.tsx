import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { createApiClient, type ApiClient } from '../api/client.js';
import { signIn as postSession, signOut as deleteSession } from '../api/session.js';
import { graphql } from '../gql/index.js';
import type { ApiKeyRole } from '../gql/graphql.js';

const MeQuery = graphql(`
  query Me {
    me {
      keyId
      name
      role
    }
  }
`);

/** The signed-in API key (Query.me). */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: ApiKeyRole;
}

/** Where the session stands: being checked at start, signed out, or signed in as a principal. */
export type AuthState =
  { readonly status: 'checking' } | { readonly status: 'signed-out' } | { readonly status: 'signed-in'; readonly principal: Principal };

/** What pages read from {@link useAuth}. */
export interface AuthContextValue {
  readonly state: AuthState;
  /** true for an admin key: the action buttons exist. */
  readonly canAct: boolean;
  /**
   * Signs in with an API key (POST /session, then Query.me).
   *
   * @throws SessionError when the key is refused or the server fails
   */
  signIn(apiKey: string): Promise<void>;
  /** Signs out (DELETE /session) and forgets every cached answer. */
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/**
 * The session and its GraphQL client: checks Query.me at start; any 401 or UNAUTHENTICATED answer signs out.
 * A new client (empty cache, new socket) is made at each sign-in and sign-out.
 *
 * @param props - the app to render inside
 * @returns the providers
 */
export function AuthProvider(props: { readonly children: ReactNode }): ReactNode {
  const [state, setState] = useState<AuthState>({ status: 'checking' });
  const [generation, setGeneration] = useState(0);
  const signedIn = useRef(false);

  const onUnauthenticated = useCallback(() => {
    if (!signedIn.current) {
      setState((s) => (s.status === 'checking' ? { status: 'signed-out' } : s));
      return;
    }
    signedIn.current = false;
    setState({ status: 'signed-out' });
    setGeneration((g) => g + 1);
  }, []);

  const api: ApiClient = useMemo(() => {
    void generation;
    return createApiClient({ onUnauthenticated });
  }, [generation, onUnauthenticated]);
  useEffect(() => () => api.close(), [api]);

  const loadMe = useCallback(async (client: ApiClient): Promise<void> => {
    const result = await client.client.query(MeQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    if (result.data) {
      signedIn.current = true;
      setState({ status: 'signed-in', principal: result.data.me });
    } else {
      signedIn.current = false;
      setState({ status: 'signed-out' });
    }
  }, []);

  const initial = useRef(api);
  useEffect(() => {
    void loadMe(initial.current);
  }, [loadMe]);

  const value = useMemo<AuthContextValue>(
    () => ({
      state,
      canAct: state.status === 'signed-in' && state.principal.role === 'ADMIN',
      async signIn(apiKey) {
        await postSession(apiKey);
        await loadMe(api);
      },
      async signOut() {
        await deleteSession();
        signedIn.current = false;
        setState({ status: 'signed-out' });
        setGeneration((g) => g + 1);
      },
    }),
    [state, api, loadMe],
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
