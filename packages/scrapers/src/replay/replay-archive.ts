import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Source } from '@phx/core';
import type { ParsedListing } from '../listing/index.js';
import { REDFIN_ABOVE_THE_FOLD_PATH } from '../redfin/redfin-server-state.js';
import { listingIdKey, readSavedDetailPage } from './replay-saved-page.js';
import { assignReplayPhotos, listHousePhotos } from './replay-photo-assignment.js';
import type { HousePhoto } from './replay-photo-assignment.js';

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
  /**
   * Time to hold the answer back, in ms (0-3 600 000), to replay a slow or
   * hung sub-resource (an iframe or script that never answers within any
   * timeout). Default 0.
   */
  readonly delayMs?: number;
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

/**
 * A page saved under a detail-page file name that is not a listing (a bot
 * wall, a search page, a page without a readable gallery). Replay serves it
 * for any detail URL of the listing id its file name ends with, so the
 * scrapers report it as what it is.
 */
export interface ReplayOtherPage {
  /** Site folder it was found in. */
  readonly source: Source;
  /** File it was read from. */
  readonly file: string;
  /** Listing id its file name ends with (Zillow zpid, Redfin property id), or `null` (then it is not served). */
  readonly listingId: string | null;
  /** What the page is, e.g. `perimeterx bot wall (px-captcha, …)` or `search results with 36 home cards (…)`. */
  readonly what: string;
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
  /** Pages saved under a detail-page file name that are no listing (bot walls, search pages), in file name order. */
  readonly otherPages: readonly ReplayOtherPage[];
  /** The fixtures folder. */
  readonly fixturesDir: string;
  private readonly pages: ReadonlyMap<string, ReplayResponse>;
  private readonly exact: ReadonlyMap<string, ReplayResponse>;
  private readonly apis: ReadonlyMap<string, ReplayResponse>;
  private readonly byListingId: ReadonlyMap<string, ReplayResponse>;
  private readonly photos: ReadonlyMap<string, ReplayPhotoSource>;

  private constructor(
    fixturesDir: string,
    saved: { readonly listings: readonly ReplayListing[]; readonly otherPages: readonly ReplayOtherPage[] },
    answers: {
      readonly pages: ReadonlyMap<string, ReplayResponse>;
      readonly exact: ReadonlyMap<string, ReplayResponse>;
      readonly apis: ReadonlyMap<string, ReplayResponse>;
      readonly byListingId: ReadonlyMap<string, ReplayResponse>;
    },
    photos: ReadonlyMap<string, ReplayPhotoSource>,
  ) {
    this.fixturesDir = fixturesDir;
    this.listings = saved.listings;
    this.otherPages = saved.otherPages;
    this.pages = answers.pages;
    this.exact = answers.exact;
    this.apis = answers.apis;
    this.byListingId = answers.byListingId;
    this.photos = photos;
  }

  /**
   * Reads a fixtures folder.
   *
   * @param options - the folder and any extra pages
   * @returns the archive
   * @throws Error naming the file when a saved listing page (readable gallery) has no recognisable URL,
   *   or the file system error when the folder cannot be read; a bot wall or another non-listing page under a
   *   detail-page name is kept in {@link otherPages}, not an error
   */
  static async load(options: ReplayArchiveOptions): Promise<ReplayArchive> {
    const dir = path.resolve(options.fixturesDir);
    const listings: ReplayListing[] = [];
    const otherPages: ReplayOtherPage[] = [];
    const byListingId = new Map<string, ReplayResponse>();
    const pages = new Map<string, ReplayResponse>();
    const apis = new Map<string, ReplayResponse>();
    for (const source of ['zillow', 'redfin'] as const) {
      const siteDir = path.join(dir, 'listings', source);
      for (const name of (await readdir(siteDir)).sort()) {
        const file = path.join(siteDir, name);
        if (new RegExp(`^${source}-hdp-.*\\.html$`).test(name)) {
          const body = await readFile(file);
          const saved = readSavedDetailPage(source, file, body.toString('utf8'));
          const answer: ReplayResponse = { status: 200, contentType: 'text/html; charset=utf-8', body };
          if (saved.kind === 'listing') {
            listings.push({ source, url: saved.url, file, parsed: saved.parsed });
            pages.set(pageKey(saved.url), answer);
          } else {
            otherPages.push({ source, file, listingId: saved.listingId, what: saved.what });
            if (saved.listingId !== null) byListingId.set(`${source}:${saved.listingId}`, answer);
          }
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
    return new ReplayArchive(dir, { listings, otherPages }, { pages, exact, apis, byListingId }, photos);
  }

  /**
   * Finds the saved answer for a URL the browser asks for: an extra page
   * saved under this exact URL, a detail page (by origin and path; query and
   * fragment ignored), Redfin's `aboveTheFold` API (by `propertyId`), or a
   * non-listing page saved under a detail-page name (by listing id).
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
    const page = this.pages.get(pageKey(url));
    if (page !== undefined) return page;
    const idKey = listingIdKey(parsed);
    return (idKey === null ? undefined : this.byListingId.get(idKey)) ?? null;
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

function pageKey(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
}

function apiKey(propertyId: string): string {
  return `aboveTheFold:${propertyId}`;
}
