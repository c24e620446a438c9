export { createScraperKit } from './scraper-kit.js';
export type { ScraperKit } from './scraper-kit.js';
export { scraperKitOptionsSchema } from './scraper-kit-options.js';
export type { ScraperKitOptions, ScraperKitMode, ResolvedScraperKitOptions } from './scraper-kit-options.js';
