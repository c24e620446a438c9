import { PHOTO_FORMAT_EXTENSIONS, PHOTO_FORMATS, type PhotoFormat } from '@phx/core';

/** Content-Type of each photo format phx stores. */
const CONTENT_TYPE_BY_FORMAT: Readonly<Record<PhotoFormat, string>> = Object.freeze({
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
  heic: 'image/heic',
});

/** Content-Type by stored file extension (`jpg` → `image/jpeg`), for the formats of {@link PHOTO_FORMATS}. */
export const CONTENT_TYPE_BY_EXTENSION: ReadonlyMap<string, string> = new Map(
  PHOTO_FORMATS.map((format) => [PHOTO_FORMAT_EXTENSIONS[format], CONTENT_TYPE_BY_FORMAT[format]]),
);

/**
 * The Content-Type of a photo format name.
 *
 * @param format - a format name as stored in a photo record, e.g. `jpeg`
 * @returns e.g. `image/jpeg`; `application/octet-stream` for a name phx does not know
 */
export function contentTypeOfFormat(format: string): string {
  return (CONTENT_TYPE_BY_FORMAT as Readonly<Record<string, string>>)[format] ?? 'application/octet-stream';
}
