import type { ReactNode } from 'react';

/** Cursor paging state: the cursors of the pages before the current one, and the current page's `after`. */
export interface CursorPages {
  readonly previous: readonly (string | null)[];
  readonly after: string | null;
}

/** The first page. */
export const FIRST_PAGE: CursorPages = { previous: [], after: null };

/**
 * Buttons for first/next page over a cursor connection.
 *
 * @param props - `pages` and `onChange` (the paging state), `endCursor` and `hasNextPage` from the connection's pageInfo, `label` naming the list
 * @returns the pager
 */
export function Pager(props: {
  readonly label: string;
  readonly pages: CursorPages;
  readonly hasNextPage: boolean;
  readonly endCursor: string | null | undefined;
  readonly onChange: (pages: CursorPages) => void;
}): ReactNode {
  const { pages, onChange } = props;
  const pageNumber = pages.previous.length + 1;
  return (
    <nav className="pager" aria-label={`${props.label} pages`}>
      <button
        type="button"
        disabled={pages.previous.length === 0}
        onClick={() => onChange({ previous: pages.previous.slice(0, -1), after: pages.previous.at(-1) ?? null })}
      >
        Previous page
      </button>
      <span>Page {pageNumber}</span>
      <button
        type="button"
        disabled={!props.hasNextPage || !props.endCursor}
        onClick={() => props.endCursor && onChange({ previous: [...pages.previous, pages.after], after: props.endCursor })}
      >
        Next page
      </button>
    </nav>
  );
}
