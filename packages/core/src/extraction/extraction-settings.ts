import { z } from 'zod';
import { DEFAULT_ISOLATION_MODE, ISOLATION_MODES } from '../model/extraction-job.js';
import { DEFAULT_FETCH_MODE, FETCH_MODES } from '../model/fetch-mode.js';

/**
 * Properties extracted at once within one job run (`PROPERTY_CONCURRENCY`):
 * an integer 1-32; default 3, the original design's. The one place this
 * setting's range and default are written: the worker's environment, the
 * job settings and `runExtraction` all parse with it.
 */
export const propertyConcurrencySchema = z.number().int().min(1).max(32).default(3);

/**
 * Browser isolation between the properties of a job (`--isolation`,
 * `isolationMode`): one of {@link ISOLATION_MODES}; default `virtual`, the
 * original design's. The one place the modes are checked and the default is
 * written: the CLI, the job service and the scrapers parse with it.
 */
export const isolationModeSchema = z.enum(ISOLATION_MODES).default(DEFAULT_ISOLATION_MODE);

export { DEFAULT_ISOLATION_MODE };

/**
 * How listing pages are fetched (`FETCH_MODE`, `--fetch-mode`, `fetchMode`):
 * one of {@link FETCH_MODES}; default `auto` (plain HTTP first, Chromium
 * where a page needs it). The one place the modes are checked and the
 * default is written: the CLI, the worker, the job service and the scraper
 * kit parse with it.
 */
export const fetchModeSchema = z.enum(FETCH_MODES).default(DEFAULT_FETCH_MODE);
