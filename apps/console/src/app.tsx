import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { AuthProvider, useAuth } from './auth/auth.js';
import { Layout } from './components/layout.js';
import { GalleryPage } from './pages/gallery-page.js';
import { JobDetailPage } from './pages/job-detail-page.js';
import { JobsPage } from './pages/jobs-page.js';
import { NotFoundPage } from './pages/not-found-page.js';
import { PropertiesPage } from './pages/properties-page.js';
import { SchedulesPage } from './pages/schedules-page.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WorkersPage } from './pages/workers-page.js';

/**
 * Sends a signed-out person to /sign-in (remembering where they were going) and shows a wait note while the session is checked
 * (and while the server or its database is unavailable: the check is retried, the URL stays).
 *
 * @returns the routed pages in the layout, or a redirect
 */
function SignedIn(): ReactNode {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'checking') {
    return (
      <main id="main">
        <p>Checking your session…</p>
      </main>
    );
  }
  if (state.status === 'unavailable') {
    return (
      <main id="main">
        <p role="status" className="note" data-testid="server-unavailable">
          {state.message}
        </p>
      </main>
    );
  }
  if (state.status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Layout />;
}

/**
 * The console: session, routes and pages (browser history; the server answers every page path with index.html).
 *
 * @returns the app
 */
export function App(): ReactNode {
  return (
    <BrowserRouter>
      <AuthProvider>
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route element={<SignedIn />}>
            <Route index element={<Navigate to="/jobs" replace />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/:jobId" element={<JobDetailPage />} />
            <Route path="/properties" element={<PropertiesPage />} />
            <Route path="/properties/:propertyId" element={<GalleryPage />} />
            <Route path="/schedules" element={<SchedulesPage />} />
            <Route path="/workers" element={<WorkersPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </AuthProvider>
    </BrowserRouter>
  );
}
