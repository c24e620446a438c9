export { decodePhoto, DEFAULT_DECODE_PHOTO_OPTIONS } from './decode-photo.js';
export type { DecodePhotoOptions, ResolvedDecodePhotoOptions, DecodedPhoto } from './decode-photo.js';
export { PHOTO_FORMATS, PHOTO_FORMAT_EXTENSIONS, isPhotoFormat, photoFormatName } from './photo-format.js';
export type { PhotoFormat } from './photo-format.js';
