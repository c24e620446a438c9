/**
 * The text to show for something thrown while a page rendered: an Error's "name: message", else the value as text.
 *
 * @param error - what was thrown (any value)
 * @returns one line, never empty
 */
export function thrownText(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  const text = String(error);
  return text === '' ? 'Unknown error' : text;
}
