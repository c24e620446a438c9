import type { FetchMode } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL `FetchMode` enum: upper-case names over the domain's
 * lower-case fetch modes (`AUTO` is `auto`, ...; see core's `FETCH_MODES`).
 */
export const FetchModeEnum = Object.freeze({
  AUTO: 'auto',
  HTTP: 'http',
  BROWSER: 'browser',
} as const satisfies Record<string, FetchMode>);

registerEnumType(FetchModeEnum, {
  name: 'FetchMode',
  description: "How a job's listing pages are fetched.",
  valuesConfig: {
    AUTO: { description: 'A plain HTTP client first, Chromium where a page needs it (a bot wall, data only in the rendered page).' },
    HTTP: { description: 'A plain HTTP client only, no browser (fastest).' },
    BROWSER: { description: 'Every page in Chromium.' },
  },
});
