import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Source } from '@phx/core';
import type { ParsedListing } from '../listing/index.js';
import { REDFIN_ABOVE_THE_FOLD_PATH } from '../redfin/redfin-server-state.js';
import { parseRedfinListingPage } from '../redfin/redfin-page.js';
import { parseZillowListingPage } from '../zillow/zillow-page.js';
import { assignReplayPhotos, listHousePhotos } from './replay-photo-assignment.js';
import type { HousePhoto } from './replay-photo-assignment.js';
import { redfinPageUrl, zillowPageUrl } from './replay-page-url.js';

/** A saved HTTP answer the replay serves. */
export interface ReplayResponse {
  /** HTTP status, e.g. 200, or 202 for a saved bot wall. */
  readonly status: number;
  /** `Content-Type` header. */
  readonly contentType: string;
  /** The body. */
  readonly body: Buffer;
  /** Extra response headers, e.g. `location` of a redirect. Default none. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A saved listing page and what replay knows of it. */
export interface ReplayListing {
  /** Site of the page. */
  readonly source: Source;
  /** The real listing URL the page answers for. */
  readonly url: string;
  /** File it was read from. */
  readonly file: string;
  /** The gallery its parser reads (used to assign photos). */
  readonly parsed: ParsedListing;
}

/**
 * A page a test or demo adds to the archive under a URL of its choice (e.g.
 * a saved bot wall). A URL with a query string answers that exact URL only
 * (an API call); one without answers its path whatever the query.
 */
export interface ReplayPageInput {
  /** The https URL to answer. */
  readonly url: string;
  /** The answer. */
  readonly response: ReplayResponse;
}

/** Options of {@link ReplayArchive.load}. */
export interface ReplayArchiveOptions {
  /** The shared fixtures folder (holding `listings/` and `house-photos/`), e.g. `../shared/fixtures`. */
  readonly fixturesDir: string;
  /** Extra pages to serve. Default none. */
  readonly extraPages?: readonly ReplayPageInput[];
}

/** Where a replayed photo's bytes come from. */
export interface ReplayPhotoSource {
  /** The real photo file assigned to this photo id. */
  readonly photo: HousePhoto;
  /** Width in px of the full size, when the page states it (Redfin `bigphoto`); else `null`. */
  readonly fullWidthPx: number | null;
}

/**
 * The saved real pages of a fixtures folder, keyed by the real URLs they
 * were saved from, plus the photo each photo id of those pages is replayed
 * with. Read-only once loaded; safe to share.
 *
 * Detail pages are `listings/zillow/zillow-hdp-*.html` and
 * `listings/redfin/redfin-hdp-*.html`; a saved `redfin-stingray-aboveTheFold-*-<propertyId>.json`
 * answers that property's `aboveTheFold` API.
 *
 * @example
 * ```ts
 * const archive = await ReplayArchive.load({ fixturesDir: '../shared/fixtures' });
 * archive.lookup('https://www.zillow.com/homedetails/…/29423592_zpid/'); // the saved page
 * ```
 */
export class ReplayArchive {
  /** Every saved detail page, in file name order. */
  readonly listings: readonly ReplayListing[];
  /** The fixtures folder. */
  readonly fixturesDir: string;
  private readonly pages: ReadonlyMap<string, ReplayResponse>;
  private readonly exact: ReadonlyMap<string, ReplayResponse>;
  private readonly apis: ReadonlyMap<string, ReplayResponse>;
  private readonly photos: ReadonlyMap<string, ReplayPhotoSource>;

  private constructor(
    fixturesDir: string,
    listings: readonly ReplayListing[],
    pages: ReadonlyMap<string, ReplayResponse>,
    exact: ReadonlyMap<string, ReplayResponse>,
    apis: ReadonlyMap<string, ReplayResponse>,
    photos: ReadonlyMap<string, ReplayPhotoSource>,
  ) {
    this.fixturesDir = fixturesDir;
    this.listings = listings;
    this.pages = pages;
    this.exact = exact;
    this.apis = apis;
    this.photos = photos;
  }

  /**
   * Reads a fixtures folder.
   *
   * @param options - the folder and any extra pages
   * @returns the archive
   * @throws Error naming the file when a saved detail page has no recognisable URL or no readable gallery,
   *   or the file system error when the folder cannot be read
   */
  static async load(options: ReplayArchiveOptions): Promise<ReplayArchive> {
    const dir = path.resolve(options.fixturesDir);
    const listings: ReplayListing[] = [];
    const pages = new Map<string, ReplayResponse>();
    const apis = new Map<string, ReplayResponse>();
    for (const source of ['zillow', 'redfin'] as const) {
      const siteDir = path.join(dir, 'listings', source);
      for (const name of (await readdir(siteDir)).sort()) {
        const file = path.join(siteDir, name);
        if (new RegExp(`^${source}-hdp-.*\\.html$`).test(name)) {
          const body = await readFile(file);
          const listing = readListing(source, file, body.toString('utf8'));
          listings.push(listing);
          pages.set(pageKey(listing.url), { status: 200, contentType: 'text/html; charset=utf-8', body });
        } else if (/^redfin-stingray-aboveTheFold-.*-(\d+)\.json$/.test(name)) {
          const propertyId = /-(\d+)\.json$/.exec(name)?.[1] ?? '';
          apis.set(apiKey(propertyId), { status: 200, contentType: 'application/json', body: await readFile(file) });
        }
      }
    }
    const exact = new Map<string, ReplayResponse>();
    for (const extra of options.extraPages ?? []) {
      if (new URL(extra.url).search === '') pages.set(pageKey(extra.url), extra.response);
      else exact.set(new URL(extra.url).href, extra.response);
    }
    const photoKeys = new Map<string, number | null>();
    for (const l of listings) {
      for (const p of l.parsed.photos) photoKeys.set(`${l.source}:${p.photoId}`, p.widthPx);
    }
    const assignment = assignReplayPhotos(photoKeys.keys(), await listHousePhotos(path.join(dir, 'house-photos')));
    const photos = new Map<string, ReplayPhotoSource>();
    for (const [key, photo] of assignment) {
      const width = photoKeys.get(key) ?? null;
      photos.set(key, { photo, fullWidthPx: key.startsWith('redfin:') ? width : null });
    }
    return new ReplayArchive(dir, listings, pages, exact, apis, photos);
  }

  /**
   * Finds the saved answer for a URL the browser asks for: an extra page
   * saved under this exact URL, a detail page (by origin and path; query and
   * fragment ignored) or Redfin's `aboveTheFold` API (by `propertyId`).
   *
   * @param url - the requested URL
   * @returns the saved answer, or `null` when the archive has none
   */
  lookup(url: string): ReplayResponse | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    parsed.hash = '';
    const exact = this.exact.get(parsed.href);
    if (exact !== undefined) return exact;
    if (parsed.pathname === REDFIN_ABOVE_THE_FOLD_PATH) {
      return this.apis.get(apiKey(parsed.searchParams.get('propertyId') ?? '')) ?? null;
    }
    return this.pages.get(pageKey(url)) ?? null;
  }

  /**
   * Finds the photo replayed for a photo id.
   *
   * @param source - the site
   * @param photoId - the site's photo id
   * @returns the assigned photo, or `null` for ids of no saved page
   */
  photoFor(source: Source, photoId: string): ReplayPhotoSource | null {
    return this.photos.get(`${source}:${photoId}`) ?? null;
  }

  /** Number of photo ids with an assigned photo. */
  get photoCount(): number {
    return this.photos.size;
  }
}

function readListing(source: Source, file: string, html: string): ReplayListing {
  const url = source === 'zillow' ? zillowPageUrl(html) : redfinPageUrl(html);
  if (url === null) throw new Error(`replay: cannot tell the listing URL of ${file} (no canonical link, og:url or listing id)`);
  const parsed = source === 'zillow' ? parseZillowListingPage(html, url) : parseRedfinListingPage(html, url);
  return { source, url, file, parsed };
}

function pageKey(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
}

function apiKey(propertyId: string): string {
  return `aboveTheFold:${propertyId}`;
}
