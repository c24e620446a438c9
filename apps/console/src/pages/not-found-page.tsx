import type { ReactNode } from 'react';
import { Link } from 'react-router';

/**
 * The page for a path the console does not have.
 *
 * @returns the page
 */
export function NotFoundPage(): ReactNode {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        The console has no page here. Go to the <Link to="/jobs">jobs</Link>.
      </p>
    </>
  );
}
