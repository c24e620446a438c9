export type { ExtractionEvent, ExtractionEventListener } from './extraction-event.js';
