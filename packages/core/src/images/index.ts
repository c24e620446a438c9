export { decodePhoto, DEFAULT_DECODE_PHOTO_OPTIONS } from './decode-photo.js';
export type { DecodePhotoOptions, ResolvedDecodePhotoOptions, DecodedPhoto } from './decode-photo.js';
export { PHOTO_FORMATS, PHOTO_FORMAT_EXTENSIONS, isPhotoFormat, photoFormatName } from './photo-format.js';
export type { PhotoFormat } from './photo-format.js';
export { perceptualHashOf, hammingDistance, PERCEPTUAL_HASH_SAMPLE_PX } from './perceptual-hash.js';
export { readUpright, DEFAULT_READ_UPRIGHT_OPTIONS } from './read-upright.js';
export type { ReadUprightOptions, UprightImage } from './read-upright.js';
export { encodeVariants, variantFileName, variantSpecsSchema, DEFAULT_VARIANT_SPECS } from './encode-variants.js';
export type { VariantSpec, EncodedVariant } from './encode-variants.js';
