/**
 * Image formats phx knows by name. `heic` is known but not accepted by
 * default: the prebuilt libvips that ships with sharp cannot decode HEVC.
 */
export const PHOTO_FORMATS = Object.freeze(['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff', 'heic'] as const);

/** An image format phx knows by name; see {@link PHOTO_FORMATS}. */
export type PhotoFormat = (typeof PHOTO_FORMATS)[number];

/** File name extension (no dot) under which each format is stored. */
export const PHOTO_FORMAT_EXTENSIONS: Readonly<Record<PhotoFormat, string>> = Object.freeze({
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  avif: 'avif',
  tiff: 'tif',
  heic: 'heic',
});

/**
 * Tells whether `value` is a format name phx knows.
 *
 * @param value - any value
 * @returns `true` for the names in {@link PHOTO_FORMATS}
 */
export function isPhotoFormat(value: unknown): value is PhotoFormat {
  return typeof value === 'string' && (PHOTO_FORMATS as readonly string[]).includes(value);
}

/**
 * Names the format of an image from what sharp reports: sharp calls both AVIF
 * and HEIC `heif` and tells them apart by the compression (`av1` / `hevc`).
 *
 * @param sharpFormat - sharp's `metadata().format`, e.g. `jpeg`, `heif`, `svg`
 * @param compression - sharp's `metadata().compression` for HEIF files, else `undefined`
 * @returns `avif`/`heic` for HEIF files, otherwise sharp's name unchanged
 *   (which may be a name outside {@link PHOTO_FORMATS}, e.g. `svg`)
 */
export function photoFormatName(sharpFormat: string, compression: string | undefined): string {
  if (sharpFormat !== 'heif') return sharpFormat;
  return compression === 'av1' ? 'avif' : 'heic';
}
