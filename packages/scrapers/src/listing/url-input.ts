import { describeValue } from '@phx/core';
import { z } from 'zod';

/**
 * Run-time schema of a URL argument (a listing page or a photo): a
 * non-blank string, or a WHATWG `URL` object, which is read as its `href`.
 * Whether the URL is one this package can read is checked later, with the
 * typed errors of each call (`UnsupportedUrlError`, `DisallowedHostError`).
 */
export const urlInputSchema = z
  .custom<string | URL>((v) => typeof v === 'string' || v instanceof URL, {
    error: (issue) => `must be a URL string (or a URL object); got ${describeValue(issue.input)}`,
  })
  .transform((v) => (typeof v === 'string' ? v : v.href))
  .refine((v) => v.trim() !== '', { message: 'is empty; give the URL' });
