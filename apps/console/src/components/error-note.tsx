import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { apiErrorMessage } from '../api/api-error.js';

/**
 * Shows an API error (or a plain message) as an alert; nothing when there is none.
 *
 * @param props - `error`: an urql error, a message, or null/undefined
 * @returns the alert or null
 */
export function ErrorNote(props: { readonly error: CombinedError | string | null | undefined }): ReactNode {
  if (props.error === null || props.error === undefined) return null;
  const text = typeof props.error === 'string' ? props.error : apiErrorMessage(props.error);
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}
