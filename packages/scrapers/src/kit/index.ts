export { createScraperKit } from './scraper-kit.js';
export type { ScraperKit } from './scraper-kit.js';
export { DEFAULT_SCRAPER_KIT_OPTIONS, scraperKitOptionsSchema } from './scraper-kit-options.js';
export type { ScraperKitOptions, ScraperKitMode } from './scraper-kit-options.js';
