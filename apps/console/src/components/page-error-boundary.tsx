import { Component, type ReactNode } from 'react';
import { Link } from 'react-router';
import { thrownText } from '../lib/error-text.js';

/** Props of {@link PageErrorBoundary}. */
export interface PageErrorBoundaryProps {
  /** The routed page. */
  readonly children: ReactNode;
}

interface PageErrorBoundaryState {
  readonly error: unknown;
  readonly failed: boolean;
}

/**
 * Catches an error thrown while the routed page renders and shows its message with a link back to the jobs, so the
 * header and navigation stay. The layout keys it by path, so going to another page starts afresh.
 */
export class PageErrorBoundary extends Component<PageErrorBoundaryProps, PageErrorBoundaryState> {
  override state: PageErrorBoundaryState = { error: null, failed: false };

  /**
   * @param error - what the page threw
   * @returns the failed state
   */
  static getDerivedStateFromError(error: unknown): PageErrorBoundaryState {
    return { error, failed: true };
  }

  /**
   * @returns the page, or its error with a link to the jobs
   */
  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <>
        <h1>This page failed</h1>
        <p role="alert" className="error" data-testid="page-error">
          {thrownText(this.state.error)}
        </p>
        <p>
          Go back to the <Link to="/jobs">jobs</Link>.
        </p>
      </>
    );
  }
}
