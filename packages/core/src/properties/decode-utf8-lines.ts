import { InvalidInputError } from '../errors/index.js';
import type { InputIssue } from '../errors/index.js';

/** Most bad lines listed in one error; a file in another encoding would otherwise list all of them. */
const MAX_LISTED_LINES = 20;

/**
 * Decodes a text file that must be UTF-8, refusing any other bytes instead of
 * turning them into U+FFFD, and naming each line (1-based, split on `\n`) and
 * byte column where they start. A UTF-8 byte order mark is dropped.
 *
 * @param bytes - the file's bytes
 * @param what - the file in error messages, e.g. `properties CSV data/p.csv`
 * @returns the text
 * @throws {@link InvalidInputError} with one issue per bad line (`line <n>`,
 *   the first 20), each naming the first bad byte in hex and its column
 */
export function decodeUtf8Lines(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    const issues = badLines(bytes);
    throw new InvalidInputError(what, issues.length > 0 ? issues : [{ path: '', message: 'is not UTF-8; save the file as UTF-8' }], {
      cause: error,
    });
  }
}

function badLines(bytes: Uint8Array): InputIssue[] {
  const issues: InputIssue[] = [];
  let start = 0;
  for (let line = 1; start <= bytes.length && issues.length < MAX_LISTED_LINES; line += 1) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const bad = firstBadByte(bytes.subarray(start, end));
    if (bad !== null) {
      const hex = (bytes[start + bad] ?? 0).toString(16).padStart(2, '0');
      issues.push({ path: `line ${line}`, message: `is not UTF-8 (byte 0x${hex} at column ${bad + 1}); save the file as UTF-8` });
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return issues;
}

/** Index of the first byte of the first sequence that is not UTF-8, or `null` when the line is UTF-8. */
function firstBadByte(line: Uint8Array): number | null {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let sequenceStart: number | null = null;
  for (let i = 0; i < line.length; i += 1) {
    try {
      const text = decoder.decode(line.subarray(i, i + 1), { stream: true });
      sequenceStart = text === '' ? (sequenceStart ?? i) : null;
    } catch {
      return sequenceStart ?? i;
    }
  }
  try {
    decoder.decode();
    return null;
  } catch {
    return sequenceStart ?? line.length - 1;
  }
}
