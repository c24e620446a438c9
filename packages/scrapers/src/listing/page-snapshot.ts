/**
 * What a browser saw when it loaded a listing page: the inputs of the
 * site-specific parsers and bot-wall checks.
 */
export interface PageSnapshot {
  /** URL that was asked for. */
  readonly requestedUrl: string;
  /** URL of the page after redirects. */
  readonly finalUrl: string;
  /** HTTP status of the main document. */
  readonly status: number;
  /** The main document exactly as served. */
  readonly html: string;
  /** The rendered DOM (`page.content()`) after the load event; equal to `html` when scripts changed nothing. */
  readonly renderedHtml: string;
  /**
   * What the loader waited for and had not seen when its data step ran out
   * of time (e.g. `the rendered gallery within 5000 ms`); absent when nothing
   * was missing. The page is still parsed from what was delivered.
   */
  readonly dataMissing?: string;
}
