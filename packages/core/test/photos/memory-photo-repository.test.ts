import { MemoryPhotoRepository } from '../../src/photos/index.js';
import { describePhotoRepositoryContract } from '../../src/testing/index.js';

describePhotoRepositoryContract('MemoryPhotoRepository', () => new MemoryPhotoRepository());
