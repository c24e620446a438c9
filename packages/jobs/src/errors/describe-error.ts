/**
 * A one-line description of a thrown value for logs and `errorMessage`
 * fields: the message of an `Error` (never its stack), else the value as text.
 *
 * @param error - anything thrown
 * @returns the message
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
