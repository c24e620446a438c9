import { useState, type ReactNode } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useAuth } from '../auth/auth.js';
import { ErrorNote } from '../components/error-note.js';
import { pathAfterSignIn } from '../lib/sign-in-path.js';

/**
 * Sign-in with an API key: POST /session sets the HttpOnly session cookie; the key itself is not kept by the page.
 *
 * @returns the page (or a redirect once signed in)
 */
export function SignInPage(): ReactNode {
  const auth = useAuth();
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (auth.state.status === 'signed-in') return <Navigate to={pathAfterSignIn(params.get('next'))} replace />;
  return (
    <>
      <header className="site-header">
        <p className="brand">phx console</p>
      </header>
      <main id="main" className="sign-in">
        <h1>Sign in</h1>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const apiKey = String(new FormData(event.currentTarget).get('apiKey') ?? '').trim();
            if (apiKey === '') {
              setError('Enter an API key.');
              return;
            }
            setBusy(true);
            setError(null);
            auth
              .signIn(apiKey)
              .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
              .finally(() => setBusy(false));
          }}
        >
          <label htmlFor="api-key">API key</label>
          <input id="api-key" name="apiKey" type="password" autoComplete="current-password" required />
          <p className="hint">
            An admin or read key from <code>npm run apikey -- create</code>. Read keys see everything; admin keys also act.
          </p>
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <ErrorNote error={error} />
        </form>
      </main>
    </>
  );
}
