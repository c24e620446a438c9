import type { PageFetchMode } from '@phx/core';
import { Field, ObjectType } from 'type-graphql';
import { PageFetchModeEnum } from './page-fetch-mode.enum.js';

/** GraphQL `SourceFetchMode` (see its `description`). */
@ObjectType('SourceFetchMode', { description: "What served one source's listing page for a property." })
export class SourceFetchModeType {
  @Field(() => String, { description: 'Source name, e.g. "zillow".' })
  readonly source!: string;

  /** `http` or `browser` (shown as HTTP / BROWSER). */
  @Field(() => PageFetchModeEnum, { description: 'What fetched the page: HTTP (a plain client) or BROWSER (Chromium).' })
  readonly mode!: PageFetchMode;
}
