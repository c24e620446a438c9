import { fileTypeFromBuffer } from 'file-type';
import { InvalidImageError } from '../errors/index.js';

// libvips/libjpeg/libpng/libwebp wording for data that stops early.
const TRUNCATED_RE = /premature end|truncat|unexpected end|end of (file|data|stream)|\bEOF\b|short read|not enough data/i;
const UNSUPPORTED_RE = /unsupported image format|compression format has not been built in|no decoder|not supported/i;
const PIXEL_LIMIT_RE = /pixel limit/i;
// libjpeg says "Corrupt JPEG data: premature end of data segment" for damaged entropy data: corrupt, not truncated.
const CORRUPT_RE = /corrupt|invalid|bad huffman|damaged/i;
const MAX_PREVIEW_CHARS = 80;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** First line of a decoder message, without libvips' repeated continuation lines. */
function firstLine(error: unknown): string {
  return messageOf(error).split('\n')[0]?.trim() ?? '';
}

/**
 * Describes the first bytes of a file so a person can tell what came back
 * instead of an image: quoted text for text (an HTML error page), hex otherwise.
 *
 * @param bytes - the file
 * @returns e.g. `starts with text "<!DOCTYPE html>…"` or `starts with bytes 00112233…`
 */
function describeLeadingBytes(bytes: Buffer): string {
  const head = bytes.subarray(0, MAX_PREVIEW_CHARS);
  const printable = [...head].filter((b) => (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d);
  if (head.length > 0 && printable.length / head.length > 0.9) {
    const text = head.toString('latin1').replace(/\s+/g, ' ').trim();
    return `starts with text "${text}${bytes.length > MAX_PREVIEW_CHARS ? '…' : ''}"`;
  }
  return `starts with bytes ${head.subarray(0, 12).toString('hex')}`;
}

/**
 * Explains why sharp could not even read the header of `bytes`: an image in a
 * format sharp cannot decode, a damaged image, or something that is not an
 * image at all (sniffed with `file-type`).
 *
 * @param photo - name of the photo for the error
 * @param bytes - the rejected bytes
 * @param cause - sharp's error
 * @returns the error to throw
 */
export async function headerError(photo: string, bytes: Buffer, cause: unknown): Promise<InvalidImageError> {
  const sniffed = await fileTypeFromBuffer(bytes).catch(() => undefined);
  const isImage = sniffed?.mime.startsWith('image/') === true;
  const decoderMessage = firstLine(cause);
  if (!UNSUPPORTED_RE.test(decoderMessage)) {
    return new InvalidImageError(photo, 'corrupt', `unreadable header: ${decoderMessage}`, { cause });
  }
  if (isImage && sniffed !== undefined) {
    const detail = `${sniffed.mime} (.${sniffed.ext}) is not a format the decoder supports`;
    return new InvalidImageError(photo, 'unsupported-format', detail, { cause });
  }
  const kind = sniffed === undefined ? '' : `looks like ${sniffed.mime}; `;
  return new InvalidImageError(photo, 'not-an-image', `${kind}${describeLeadingBytes(bytes)}`, { cause });
}

/**
 * Explains why the full decode of an image whose header was readable failed.
 *
 * @param photo - name of the photo for the error
 * @param format - the format the header announced
 * @param cause - sharp's error
 * @returns the error to throw: `truncated`, `unsupported-format`,
 *   `too-many-pixels` or `corrupt`
 */
export function decodeError(photo: string, format: string, cause: unknown): InvalidImageError {
  const decoderMessage = firstLine(cause);
  const all = messageOf(cause);
  if (TRUNCATED_RE.test(all) && !CORRUPT_RE.test(all)) {
    return new InvalidImageError(photo, 'truncated', `${format} data ends early: ${decoderMessage}`, { cause });
  }
  if (UNSUPPORTED_RE.test(all)) {
    return new InvalidImageError(photo, 'unsupported-format', `${format} cannot be decoded here: ${decoderMessage}`, {
      cause,
    });
  }
  if (PIXEL_LIMIT_RE.test(all)) {
    return new InvalidImageError(photo, 'too-many-pixels', decoderMessage, { cause });
  }
  return new InvalidImageError(photo, 'corrupt', `${format} data is damaged: ${decoderMessage}`, { cause });
}
