/**
 * The largest GraphQL request body the server takes by default, in bytes (its `MAX_REQUEST_BYTES`, see the root
 * README). The console cannot read the server's setting, so it holds a CSV import to the default.
 */
export const CSV_REQUEST_LIMIT_BYTES = 102_400;

/** Room in the request for the mutation text, the label and JSON framing, in bytes. */
const REQUEST_OVERHEAD_BYTES = 1_024;

/** A CSV file read for import: its text, or why it is not sent. */
export type CsvFileRead = { readonly csv: string } | { readonly problem: string };

/**
 * Where the first byte that does not start a valid UTF-8 sequence is (an overlong form, a surrogate, a stray
 * continuation byte, a cut-off sequence).
 *
 * @param bytes - the file's bytes
 * @returns the byte's offset, or -1 when every byte is valid UTF-8
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return -1;
}

/**
 * Reads a CSV file's bytes for the import mutation: refuses a file whose request would pass the server's limit
 * ({@link CSV_REQUEST_LIMIT_BYTES}), pointing to the CLI, and a file that is not UTF-8, naming the line, the byte and its
 * column (1-based, in bytes) as the CLI does, e.g. `line 2: is not UTF-8 (byte 0xe9 at column 8)`.
 *
 * @param bytes - the file's content
 * @returns the text to send, or the problem to show (nothing is sent then)
 */
export function readCsvBytes(bytes: Uint8Array): CsvFileRead {
  const tooLarge = {
    problem:
      `The file is ${bytes.length} bytes; the server takes requests of at most ${CSV_REQUEST_LIMIT_BYTES} bytes (MAX_REQUEST_BYTES, default). ` +
      'Import it with the CLI: npm run extract -- properties import <file>',
  };
  if (bytes.length + REQUEST_OVERHEAD_BYTES > CSV_REQUEST_LIMIT_BYTES) return tooLarge;
  let csv: string;
  try {
    csv = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const lineStart = at === 0 ? 0 : bytes.lastIndexOf(0x0a, at - 1) + 1;
    const line = bytes.subarray(0, lineStart).filter((b) => b === 0x0a).length + 1;
    const byte = (bytes[at] ?? 0).toString(16).padStart(2, '0');
    return { problem: `line ${line}: is not UTF-8 (byte 0x${byte} at column ${at - lineStart + 1})` };
  }
  // JSON escapes quotes, backslashes and line breaks: the request holds the text as a JSON string.
  if (new TextEncoder().encode(JSON.stringify(csv)).length + REQUEST_OVERHEAD_BYTES > CSV_REQUEST_LIMIT_BYTES) return tooLarge;
  return { csv };
}
