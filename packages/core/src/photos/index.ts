export { MemoryPhotoRepository } from './memory-photo-repository.js';
