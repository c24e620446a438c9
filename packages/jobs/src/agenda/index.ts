export { createAgenda, AGENDA_COLLECTION } from './create-agenda.js';
export type { CreateAgendaOptions, AgendaConnection } from './create-agenda.js';
export { DEFAULT_QUEUE_SETTINGS, queueSettingsSchema } from './queue-settings.js';
export type { QueueSettings } from './queue-settings.js';
export {
  MongoNotificationChannel,
  NOTIFICATIONS_COLLECTION,
  DEFAULT_MONGO_NOTIFICATION_CHANNEL_OPTIONS,
} from './mongo-notification-channel.js';
export type { MongoNotificationChannelOptions } from './mongo-notification-channel.js';
export { EXTRACT_IMAGES_JOB, extractImagesPayloadSchema, RUN_SCHEDULE_JOB, runSchedulePayloadSchema } from './job-payloads.js';
export type { ExtractImagesPayload, RunSchedulePayload } from './job-payloads.js';
