export { createAgenda, AGENDA_COLLECTION } from './create-agenda.js';
export type { CreateAgendaOptions, AgendaConnection } from './create-agenda.js';
export { DEFAULT_QUEUE_SETTINGS } from './queue-settings.js';
