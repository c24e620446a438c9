export { ReplayArchive } from './replay-archive.js';
export type { ReplayPageInput } from './replay-archive.js';
export { ReplayPhotoServer, REPLAY_PAGE_HOSTS, REPLAY_PHOTO_HOSTS } from './replay-photo-server.js';
export { createReplayDispatcher } from './replay-dispatcher.js';
export { installReplayRoutes } from './replay-routes.js';
export { assignReplayPhotos, listHousePhotos } from './replay-photo-assignment.js';
