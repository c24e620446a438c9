export { ExtractionMetrics, EXTRACTION_METRIC_NAMES, JOB_DURATION_BUCKETS_SECONDS } from './extraction-metrics.js';
export type { ExtractionMetricsOptions, SourceCircuitState } from './extraction-metrics.js';
export { observeExtractor } from './observed-extractor.js';
