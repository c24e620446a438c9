import type { Response } from 'express';

/**
 * Answers a refused HTTP request (outside GraphQL) with a GraphQL-shaped JSON
 * error `{"errors":[{"message","extensions":{"code"}}]}` and `Cache-Control: no-store`.
 *
 * @param res - the Express response (headers not sent yet)
 * @param status - HTTP status, e.g. 404
 * @param code - `extensions.code`, e.g. `NOT_FOUND`, `FORBIDDEN`, `BAD_REQUEST`
 * @param message - what was refused and why
 */
export function sendJsonRefusal(res: Response, status: number, code: string, message: string): void {
  res
    .status(status)
    .set('cache-control', 'no-store')
    .json({ errors: [{ message, extensions: { code } }] });
}
