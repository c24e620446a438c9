export { GridFsImageStore, IMAGES_BUCKET } from './gridfs-image-store.js';
export type { GridFsImageStoreOptions } from './gridfs-image-store.js';
