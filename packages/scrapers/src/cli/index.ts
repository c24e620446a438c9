export { runRecordCommand } from './record-command.js';
export type { CommandOutput } from './record-command.js';
