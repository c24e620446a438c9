export type { ExtractionEvent, ExtractionEventListener } from './extraction-event.js';
export { PropertyExtractor, DEFAULT_PROPERTY_EXTRACTOR_OPTIONS, DEFAULT_MAX_DECODE_PIXELS } from './property-extractor.js';
export type { PropertyExtractorOptions, ExtractPropertyRequest, PropertyExtracting } from './property-extractor.js';
export { runExtraction, DEFAULT_RUN_EXTRACTION_OPTIONS } from './run-extraction.js';
export type { RunExtractionInput } from './run-extraction.js';
export { applyExtractionEvent } from './apply-extraction-event.js';
export { retryAfterMsOf, toExtractionFailure } from './extraction-failure.js';
export { photoCandidates, isSizeUnavailable } from './photo-candidates.js';
export type { PhotoCandidate } from './photo-candidates.js';
