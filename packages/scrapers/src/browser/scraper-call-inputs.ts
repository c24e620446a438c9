import { FETCH_MODES, InvalidInputError, describeValue, parseInput } from '@phx/core';
import type { FetchMode, Property, PropertyId, Source } from '@phx/core';
import { z } from 'zod';
import { urlInputSchema } from '../listing/url-input.js';
import { abortSignalSchema } from '../politeness/abortable.js';

/** A `listPhotos` request once checked: URLs are strings, `listingUrl` left out is `null`. */
export interface CheckedScrapeRequest {
  readonly property: Property;
  readonly listingUrl: string | null;
  readonly signal: AbortSignal | undefined;
  /** The call's fetch mode, or `undefined` for the scraper's. */
  readonly fetchMode: FetchMode | undefined;
}

/** Zod error option: a value of the wrong type is named (`got null`); other issues keep zod's message. */
const objectOf = (what: string): { error: (issue: { code?: string; input: unknown }) => string | undefined } => ({
  error: (issue) => (issue.code === 'invalid_type' ? `must be ${what}; got ${describeValue(issue.input)}` : undefined),
});

const propertySchema = z.object(
  {
    id: z.string(objectOf('the property id (a non-empty string, see toPropertyId)')).min(1, 'is empty; see toPropertyId'),
    address: z.string(objectOf('the street address (a string)')),
    listingUrls: z.object(
      { zillow: urlInputSchema.optional(), redfin: urlInputSchema.optional() },
      objectOf('an object of listing URLs by source, e.g. {} or { zillow: "https://www.zillow.com/homedetails/…" }'),
    ),
  },
  objectOf('a Property ({ id, address, listingUrls })'),
);

const scrapeRequestSchema = z
  .object(
    {
      property: propertySchema,
      listingUrl: urlInputSchema.nullable().optional(),
      signal: abortSignalSchema.optional(),
      fetchMode: z.enum(FETCH_MODES, objectOf(`one of ${FETCH_MODES.join(', ')}`)).optional(),
    },
    objectOf('a request object ({ property, listingUrl, signal, fetchMode })'),
  )
  .strict();

const findListingUrlSchema = z.object({
  address: z.string(objectOf('a street address (a string)')).refine((a) => a.trim() !== '', { message: 'is empty; give a street address' }),
  options: z
    .object(
      {
        signal: abortSignalSchema.optional(),
        propertyId: z.string(objectOf('a property id (a string)')).min(1, 'is empty').optional(),
      },
      objectOf('an options object ({ signal, propertyId }) or left out'),
    )
    .strict()
    .optional(),
});

/**
 * Checks a `listPhotos` request at run time (plain JavaScript callers can
 * pass anything). A `URL` object is accepted wherever a URL is asked for
 * and read as its `href`; `listingUrl` left out means `null`.
 *
 * @param request - what the caller passed
 * @param source - the scraper's site: without a listing URL for it, the address must not be blank
 * @returns the request with plain string URLs
 * @throws `InvalidInputError` (core) `listPhotos request`, naming each bad field (`property.listingUrls`, `listingUrl`, `signal`, `fetchMode`, ...)
 */
export function checkScrapeRequest(request: unknown, source: Source): CheckedScrapeRequest {
  const parsed = parseInput(scrapeRequestSchema, request, 'listPhotos request');
  const property = { ...parsed.property, id: parsed.property.id as PropertyId } as Property;
  const listingUrl = parsed.listingUrl ?? null;
  if (listingUrl === null && property.listingUrls[source] === undefined && property.address.trim() === '') {
    throw new InvalidInputError('listPhotos request', [
      {
        path: 'property.address',
        message: `is empty and no ${source} listing URL was given (listingUrl, property.listingUrls.${source}): give one or the other`,
      },
    ]);
  }
  return { property, listingUrl, signal: parsed.signal, fetchMode: parsed.fetchMode };
}

/**
 * Checks the arguments of `findListingUrl` at run time.
 *
 * @param address - what the caller passed as the address
 * @param options - what the caller passed as options
 * @returns the address, the signal and the property id, if any
 * @throws `InvalidInputError` (core) `findListingUrl arguments`, naming `address`, `options` or `options.signal`
 */
export function checkFindListingUrlArgs(
  address: unknown,
  options: unknown,
): { readonly address: string; readonly signal: AbortSignal | undefined; readonly propertyId: PropertyId | undefined } {
  const parsed = parseInput(findListingUrlSchema, { address, options }, 'findListingUrl arguments');
  return { address: parsed.address, signal: parsed.options?.signal, propertyId: parsed.options?.propertyId as PropertyId | undefined };
}
