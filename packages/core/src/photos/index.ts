export { MemoryPhotoRepository } from './memory-photo-repository.js';
export {
  mergeSighting,
  listsToReplace,
  newPhotoRecord,
  isListedElsewhere,
  storedFileNames,
  compareGalleryOrder,
  captionOf,
} from './photo-record-merge.js';
export { findSamePhoto, isSamePicture, isBetterImage, DEFAULT_MAX_PERCEPTUAL_DISTANCE } from './same-photo.js';
export type { ImageIdentity, SamePhotoMatch } from './same-photo.js';
