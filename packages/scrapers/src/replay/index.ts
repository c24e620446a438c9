export { ReplayArchive } from './replay-archive.js';
export type { ReplayPageInput } from './replay-archive.js';
export { ReplayPhotoServer } from './replay-photo-server.js';
export { createReplayDispatcher } from './replay-dispatcher.js';
export { installReplayRoutes } from './replay-routes.js';
export { assignReplayPhotos, listHousePhotos } from './replay-photo-assignment.js';
