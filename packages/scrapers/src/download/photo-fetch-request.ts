import { describeValue, parseInput } from '@phx/core';
import type { PhotoFetchRequest } from '@phx/core';
import { z } from 'zod';
import { urlInputSchema } from '../listing/url-input.js';
import { abortSignalSchema } from '../politeness/abortable.js';

const photoFetchRequestSchema = z
  .object(
    {
      url: urlInputSchema,
      signal: abortSignalSchema.optional(),
      ifNoneMatch: z.array(z.string()).optional(),
      ifModifiedSince: z.date().optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? `must be a request object ({ url, signal }); got ${describeValue(issue.input)}` : undefined,
    },
  )
  .strict();

/**
 * Checks a `fetchPhoto` request at run time (plain JavaScript callers can
 * pass anything). A `URL` object is accepted as `url` and read as its `href`.
 *
 * @param request - what the caller passed
 * @returns the request with `url` as a string
 * @throws `InvalidInputError` (core) `fetchPhoto request`, naming each bad field (`url`, `signal`, `ifNoneMatch`, `ifModifiedSince`, unknown keys)
 */
export function checkPhotoFetchRequest(request: unknown): PhotoFetchRequest {
  const parsed = parseInput(photoFetchRequestSchema, request, 'fetchPhoto request');
  return {
    url: parsed.url,
    ...(parsed.signal === undefined ? {} : { signal: parsed.signal }),
    ...(parsed.ifNoneMatch === undefined ? {} : { ifNoneMatch: parsed.ifNoneMatch }),
    ...(parsed.ifModifiedSince === undefined ? {} : { ifModifiedSince: parsed.ifModifiedSince }),
  };
}
