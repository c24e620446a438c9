export { HttpPageClient, DEFAULT_MAX_PAGE_BYTES, MAX_HTTP_REDIRECTS, SITE_HOSTS } from './http-page-client.js';
export type { HttpPageClientOptions, HttpGetRequest, HttpAnswer, HttpSession } from './http-page-client.js';
export { HttpPageAccess } from './http-page-access.js';
export { CHROMIUM_USER_AGENT, browserHeaders } from './browser-headers.js';
export type { HttpRequestKind } from './browser-headers.js';
export { FetchModePlanner, autoFetchOptionsSchema, photoListDifference } from './fetch-mode-planner.js';
export type { AutoFetchOptions, ResolvedAutoFetchOptions, FetchPlan } from './fetch-mode-planner.js';
