export { ReplayArchive } from './replay-archive.js';
export type {
  ReplayArchiveOptions,
  ReplayListing,
  ReplayOtherPage,
  ReplayPageInput,
  ReplayPhotoSource,
  ReplayResponse,
} from './replay-archive.js';
export { ReplayPhotoServer, REPLAY_PHOTO_HOSTS, REDFIN_REPLAY_WIDTHS, DEFAULT_REPLAY_PHOTO_SERVER_OPTIONS } from './replay-photo-server.js';
export type { ReplayPhotoServerOptions } from './replay-photo-server.js';
export { createReplayDispatcher } from './replay-dispatcher.js';
export { installReplayRoutes } from './replay-routes.js';
export { assignReplayPhotos, listHousePhotos } from './replay-photo-assignment.js';
export type { HousePhoto } from './replay-photo-assignment.js';
export { zillowPageUrl } from '../zillow/zillow-page-url.js';
export { redfinPageUrl } from '../redfin/redfin-page-url.js';
