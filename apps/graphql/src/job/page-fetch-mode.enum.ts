import type { PageFetchMode } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL `PageFetchMode` enum: what served one listing page (see core's
 * `PAGE_FETCH_MODES`): `HTTP` is `http`, `BROWSER` is `browser`.
 */
export const PageFetchModeEnum = Object.freeze({
  HTTP: 'http',
  BROWSER: 'browser',
} as const satisfies Record<string, PageFetchMode>);

registerEnumType(PageFetchModeEnum, {
  name: 'PageFetchMode',
  description: 'What fetched one listing page.',
  valuesConfig: {
    HTTP: { description: 'A plain HTTP client.' },
    BROWSER: { description: 'Chromium.' },
  },
});
