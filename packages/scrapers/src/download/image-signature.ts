/** Image formats recognised by their first bytes. */
export type ImageSignature = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heif' | 'bmp' | 'tiff' | 'jp2';

/**
 * Recognises an image file by its magic bytes (not by what the server says).
 *
 * @param bytes - the start of the file (16 bytes are enough)
 * @returns the format, or `null` when the bytes are not a known image (HTML, JSON, empty)
 */
export function sniffImageSignature(bytes: Uint8Array): ImageSignature | null {
  const b = (i: number): number => bytes[i] ?? -1;
  const ascii = (start: number, text: string): boolean => [...text].every((c, i) => b(start + i) === c.charCodeAt(0));
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (b(0) === 0x89 && ascii(1, 'PNG\r\n\x1a\n')) return 'png';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(4, 'ftyp')) {
    if (ascii(8, 'avif') || ascii(8, 'avis')) return 'avif';
    if (['heic', 'heix', 'hevc', 'mif1', 'msf1'].some((brand) => ascii(8, brand))) return 'heif';
  }
  if (ascii(0, 'BM')) return 'bmp';
  if (ascii(0, 'II*\0') || ascii(0, 'MM\0*')) return 'tiff';
  if (b(0) === 0xff && b(1) === 0x4f && b(2) === 0xff && b(3) === 0x51) return 'jp2';
  if (ascii(4, 'jP  ')) return 'jp2';
  return null;
}

/**
 * Formats the first bytes of a body as hex for error messages.
 *
 * @param bytes - any bytes
 * @param max - how many bytes at most (default 16)
 * @returns lower-case hex, e.g. `3c21444f43`
 */
export function firstBytesHex(bytes: Uint8Array, max = 16): string {
  return Buffer.from(bytes.subarray(0, max)).toString('hex');
}
