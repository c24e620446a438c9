import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useAuth } from '../auth/auth.js';
import { PageErrorBoundary } from './page-error-boundary.js';

/**
 * The page frame: a header with who is signed in and sign-out, the navigation (Agendash for admin keys), and the page in <main>,
 * inside an error boundary (a page that throws shows its error, the frame stays).
 *
 * @returns the frame around the routed page
 */
export function Layout(): ReactNode {
  const auth = useAuth();
  const location = useLocation();
  const [signOutError, setSignOutError] = useState<string | null>(null);
  const principal = auth.state.status === 'signed-in' ? auth.state.principal : null;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <p className="brand">phx console</p>
        {principal && (
          <div className="who">
            <span>
              Signed in as <strong>{principal.name}</strong> ({principal.role === 'ADMIN' ? 'admin' : 'read only'})
            </span>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                auth.signOut().catch((error: unknown) => setSignOutError(error instanceof Error ? error.message : String(error)));
              }}
            >
              Sign out
            </button>
          </div>
        )}
        {auth.notice && (
          <p role="status" className="note" data-testid="server-unavailable">
            {auth.notice}
          </p>
        )}
        {signOutError && (
          <p role="alert" className="error">
            {signOutError}
          </p>
        )}
      </header>
      <nav aria-label="Main" className="site-nav">
        <ul>
          <li>
            <NavLink to="/jobs">Jobs</NavLink>
          </li>
          <li>
            <NavLink to="/properties">Properties</NavLink>
          </li>
          <li>
            <NavLink to="/schedules">Schedules</NavLink>
          </li>
          <li>
            <NavLink to="/workers">Workers</NavLink>
          </li>
          {auth.canAct && (
            <li>
              <a href="/agendash/">Queue internals (Agendash)</a>
            </li>
          )}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <PageErrorBoundary key={location.pathname}>
          <Outlet />
        </PageErrorBoundary>
      </main>
    </>
  );
}
