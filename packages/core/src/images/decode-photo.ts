import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Metadata } from 'sharp';
import { z } from 'zod';
import { InvalidImageError } from '../errors/index.js';
import type { ContentHash } from '../model/ids.js';
import { parseInput } from '../validation/index.js';
import { optionsObject, photoBytesSchema } from './image-inputs.js';
import { decodeError, headerError } from './image-error-classifier.js';
import { PHOTO_FORMATS, PHOTO_FORMAT_EXTENSIONS, isPhotoFormat, photoFormatName } from './photo-format.js';
import type { PhotoFormat } from './photo-format.js';

/** Options of {@link decodePhoto}. */
export interface DecodePhotoOptions {
  /** Name of the photo in error messages (its URL or file name). Default `photo`. */
  readonly photo?: string;
  /**
   * Largest accepted image, in pixels (width × height of one frame), checked
   * from the header before anything is decoded, so decompression bombs cost
   * nothing. Integer ≥ 1; default 100 000 000 (100 MP).
   */
  readonly maxPixels?: number;
  /** Largest accepted file, in bytes. Integer ≥ 1; default 67 108 864 (64 MiB). */
  readonly maxBytes?: number;
  /**
   * Formats accepted; anything else is `unsupported-format`. Non-empty subset
   * of {@link PHOTO_FORMATS}; default every one but `heic` (the prebuilt
   * libvips cannot decode HEVC).
   */
  readonly formats?: readonly PhotoFormat[];
  /**
   * When `true`, decoder warnings (libjpeg's "Corrupt JPEG data...") reject
   * the photo as `corrupt`; when `false`, only decoder errors do, and a
   * damaged photo that still decodes to something passes. Default `true`.
   */
  readonly rejectDecoderWarnings?: boolean;
}

/** Resolved {@link DecodePhotoOptions}, no optionals. */
export type ResolvedDecodePhotoOptions = Required<DecodePhotoOptions>;

/** Defaults of {@link DecodePhotoOptions}. */
export const DEFAULT_DECODE_PHOTO_OPTIONS: ResolvedDecodePhotoOptions = Object.freeze({
  photo: 'photo',
  maxPixels: 100_000_000,
  maxBytes: 64 * 1024 * 1024,
  formats: Object.freeze(['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const),
  rejectDecoderWarnings: true,
});

/** What {@link decodePhoto} learned about a valid photo. */
export interface DecodedPhoto {
  /** SHA-256 of the original bytes, lower-case hex: the photo's content address. */
  readonly sha256: ContentHash;
  /** Format, e.g. `jpeg`, `webp`, `avif`. */
  readonly format: PhotoFormat;
  /** Width in px as displayed: EXIF orientation 5-8 swaps width and height. */
  readonly widthPx: number;
  /** Height in px as displayed (upright). */
  readonly heightPx: number;
  /** Size of the original bytes. */
  readonly byteLength: number;
  /** File name extension for the format, no dot: `jpg`, `png`, `webp`, `gif`, `avif`, `tif`, `heic`. */
  readonly extension: string;
  /** EXIF orientation tag, 1 (upright) to 8; 1 when absent. */
  readonly orientation: number;
  /**
   * Images in the file: the frames of an animated GIF or WebP, or the images
   * of a HEIF/AVIF or TIFF container; 1 for a plain still image. Only the
   * first (primary) one is decoded and described.
   */
  readonly pageCount: number;
}

const optionsSchema = z.object({
  photo: z.string().min(1).optional(),
  maxPixels: z.number().int().positive().optional(),
  maxBytes: z.number().int().positive().optional(),
  formats: z.array(z.enum(PHOTO_FORMATS)).min(1).optional(),
  rejectDecoderWarnings: z.boolean().optional(),
});

/** Checks {@link DecodePhotoOptions} fields (shared with `readPhoto`, which adds its own). */
export const decodePhotoOptionsShape = optionsSchema.shape;

/**
 * Fills in the defaults of already checked options.
 *
 * @param parsed - options that passed {@link decodePhotoOptionsShape} (fields may be `undefined`)
 * @returns the resolved options
 */
export function withDecodeDefaults(parsed: {
  readonly [K in keyof DecodePhotoOptions]?: DecodePhotoOptions[K] | undefined;
}): ResolvedDecodePhotoOptions {
  const d = DEFAULT_DECODE_PHOTO_OPTIONS;
  return {
    photo: parsed.photo ?? d.photo,
    maxPixels: parsed.maxPixels ?? d.maxPixels,
    maxBytes: parsed.maxBytes ?? d.maxBytes,
    formats: parsed.formats ?? d.formats,
    rejectDecoderWarnings: parsed.rejectDecoderWarnings ?? d.rejectDecoderWarnings,
  };
}

const argumentsSchema = z.object({ bytes: photoBytesSchema, options: optionsObject(optionsSchema.shape) });

function resolveOptions(bytes: unknown, options: unknown): ResolvedDecodePhotoOptions {
  return withDecodeDefaults(parseInput(argumentsSchema, { bytes, options }, 'decodePhoto arguments').options ?? {});
}

async function readHeader(input: Buffer, photo: string): Promise<Metadata> {
  try {
    // No pixel limit here: the header is tiny and the limit is checked below with a better message.
    return await sharp(input, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (error) {
    throw await headerError(photo, input, error);
  }
}

function acceptedFormat(metadata: Metadata, o: ResolvedDecodePhotoOptions): PhotoFormat {
  const name = photoFormatName(metadata.format, metadata.compression);
  if (!isPhotoFormat(name) || !o.formats.includes(name)) {
    throw new InvalidImageError(o.photo, 'unsupported-format', `${name} is not accepted; accepted: ${o.formats.join(', ')}`);
  }
  return name;
}

function checkPixels(metadata: Metadata, o: ResolvedDecodePhotoOptions): void {
  const pixels = metadata.width * metadata.height;
  if (pixels > o.maxPixels) {
    const detail = `${metadata.width}×${metadata.height} = ${pixels} pixels is over the limit of ${o.maxPixels}`;
    throw new InvalidImageError(o.photo, 'too-many-pixels', detail);
  }
}

/**
 * Decodes every pixel of the first frame at full resolution, so truncated or
 * damaged data fails here and not later. The output is shrunk 8× by a box
 * filter (which reads every input pixel) to keep memory small; shrink-on-load
 * is off because it would skip detail that the check must read.
 */
async function decodeFully(input: Buffer, metadata: Metadata, format: string, o: ResolvedDecodePhotoOptions): Promise<void> {
  const widthPx = Math.max(1, Math.ceil(metadata.width / 8));
  const heightPx = Math.max(1, Math.ceil(metadata.height / 8));
  try {
    const failOn = o.rejectDecoderWarnings ? 'warning' : 'error';
    await sharp(input, { failOn, limitInputPixels: o.maxPixels, sequentialRead: true })
      .resize(widthPx, heightPx, { fit: 'fill', fastShrinkOnLoad: false })
      .raw()
      .toBuffer();
  } catch (error) {
    throw decodeError(o.photo, format, error);
  }
}

function checkBytes(input: Buffer, o: ResolvedDecodePhotoOptions): void {
  if (input.length === 0) throw new InvalidImageError(o.photo, 'empty', 'the body is empty (0 bytes)');
  if (input.length > o.maxBytes) {
    throw new InvalidImageError(o.photo, 'too-large', `${input.length} bytes is over the limit of ${o.maxBytes}`);
  }
}

/**
 * Checks that `bytes` are a photo phx can use and describes it: reads the
 * header, checks format and pixel limit, then decodes the whole first frame
 * with sharp (libvips) so truncated and corrupt files are caught. The bytes
 * are not changed or kept.
 *
 * @param bytes - the file exactly as downloaded
 * @param options - photo name for errors, pixel and byte limits, accepted formats
 * @returns hash, format, upright size in px, byte length and file extension
 * @throws {@link InvalidImageError} with `reason` `empty`, `too-large`,
 *   `not-an-image` (an HTML page, JSON...), `unsupported-format` (HEIC, JPEG
 *   2000, SVG...), `corrupt`, `truncated` or `too-many-pixels`
 * @throws {@link InvalidInputError} `decodePhoto arguments` naming `bytes` (not a Buffer/Uint8Array: an
 *   `ArrayBuffer`, a string, `null`, nothing) or `options` (not an object, an unknown key, a bad value)
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import type { ImageStore, PropertyId } from '@phx/core';
 * declare const store: ImageStore, propertyId: PropertyId;
 * const bytes = await readFile('kitchen.jpg');
 * const photo = await decodePhoto(bytes, { photo: 'kitchen.jpg' });
 * await store.put(propertyId, `${photo.sha256}.${photo.extension}`, bytes);
 * ```
 */
export async function decodePhoto(bytes: Uint8Array, options?: DecodePhotoOptions): Promise<DecodedPhoto> {
  const o = resolveOptions(bytes, options);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { metadata, format } = await checkHeader(input, o);
  await decodeFully(input, metadata, format, o);
  return describePhoto(input, metadata, format);
}

/** What {@link checkHeader} read: the header and the accepted format. */
export interface CheckedHeader {
  /** sharp's reading of the header (nothing decoded yet). */
  readonly metadata: Metadata;
  /** The format, one of the accepted ones. */
  readonly format: PhotoFormat;
}

/**
 * The checks that need no decoding: byte length, a readable header, an
 * accepted format, and the pixel limit (so decompression bombs cost nothing).
 *
 * @param input - the original bytes
 * @param o - resolved options
 * @returns the header and its format
 * @throws {@link InvalidImageError} `empty`, `too-large`, `not-an-image`, `unsupported-format`, `corrupt` or `too-many-pixels`
 */
export async function checkHeader(input: Buffer, o: ResolvedDecodePhotoOptions): Promise<CheckedHeader> {
  checkBytes(input, o);
  const metadata = await readHeader(input, o.photo);
  const format = acceptedFormat(metadata, o);
  checkPixels(metadata, o);
  return { metadata, format };
}

/**
 * Describes a photo whose pixels decoded: hash, format, upright size, bytes.
 *
 * @param input - the original bytes
 * @param metadata - their header
 * @param format - the accepted format
 * @returns the {@link DecodedPhoto}
 */
export function describePhoto(input: Buffer, metadata: Metadata, format: PhotoFormat): DecodedPhoto {
  const upright = metadata.autoOrient;
  return {
    sha256: createHash('sha256').update(input).digest('hex') as ContentHash,
    format,
    widthPx: upright.width,
    heightPx: upright.height,
    byteLength: input.length,
    extension: PHOTO_FORMAT_EXTENSIONS[format],
    orientation: metadata.orientation ?? 1,
    pageCount: metadata.pages ?? 1,
  };
}
