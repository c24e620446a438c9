export { FileImageStore, DEFAULT_FILE_IMAGE_STORE_OPTIONS } from './file-image-store.js';
export type { FileImageStoreOptions } from './file-image-store.js';
export { MemoryImageStore } from './memory-image-store.js';
export { assertStorePath } from './assert-store-path.js';
