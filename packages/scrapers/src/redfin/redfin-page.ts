import { BotWallError, LayoutChangedError, PhotoDataMissingError } from '../errors/index.js';
import type { PageSnapshot, ParsedListing } from '../listing/index.js';
import { redfinPhotosFromDom } from './redfin-dom.js';
import { redfinCaptionsFromPhotoTags, redfinPhotosFromAboveTheFold } from './redfin-photos.js';
import type { RedfinPayloadPhotos } from './redfin-photos.js';
import {
  REDFIN_ABOVE_THE_FOLD_PATH,
  REDFIN_PHOTO_TAGS_PATH,
  cachedApiBody,
  parseRedfinApiBody,
  readRedfinDataCache,
} from './redfin-server-state.js';

const WAF_MARKERS: readonly (readonly [string, RegExp])[] = Object.freeze([
  ['gokuProps', /window\.gokuProps\s*=/],
  ['challenge.js', /awswaf\.com\/[^"']*challenge\.js/],
  ['challenge-container', /id=["']challenge-container["']/],
]);

/**
 * The AWS WAF challenge markers found in a Redfin answer's body.
 *
 * @param body - HTML (or any text) Redfin answered
 * @returns the names of the markers found (`gokuProps`, `challenge.js`, `challenge-container`), in that order; empty when none
 */
export function redfinWafMarkers(body: string): string[] {
  return WAF_MARKERS.filter(([, re]) => re.test(body)).map(([name]) => name);
}

/**
 * Recognises AWS WAF's bot challenge on a Redfin answer: HTTP 202 (or 405)
 * with `gokuProps` and `challenge.js`, or any status whose page is the
 * challenge and has no server state. A 403 is a block too.
 *
 * @param snapshot - the loaded page
 * @throws {@link BotWallError} when the page is a bot wall
 */
export function assertNotRedfinBotWall(snapshot: PageSnapshot): void {
  const html = snapshot.html.length > 0 ? snapshot.html : snapshot.renderedHtml;
  const markers = redfinWafMarkers(html);
  const hasState = /__reactServerState\.InitialContext/.test(html);
  const challenge = markers.includes('gokuProps') && !hasState;
  if (challenge || snapshot.status === 403 || ((snapshot.status === 202 || snapshot.status === 405) && markers.length > 0)) {
    throw new BotWallError(snapshot.requestedUrl, 'redfin', {
      vendor: markers.length > 0 ? 'aws-waf' : 'unknown',
      status: snapshot.status,
      markers: markers.length > 0 ? markers : [`HTTP ${snapshot.status}`],
    });
  }
}

/**
 * Parses a Redfin detail page into its photo gallery. Reads, in order: the
 * server state (`__reactServerState.InitialContext` → `ReactServerAgent.cache.dataCache`
 * → `aboveTheFold` → `payload.mediaBrowserInfo.photos`, with captions from
 * `photoTagsAndCaptions`), then the rendered media browser as a last resort.
 *
 * @param html - the page HTML
 * @param url - the page URL, for error messages
 * @returns the gallery with its data path, declared count and address
 * @throws {@link LayoutChangedError} naming every path tried when `mediaBrowserInfo.photos` is empty
 *   (Redfin's data has no count that could confirm a listing without photos) and no rendered gallery has any
 * @throws {@link PhotoDataMissingError} naming every path tried when no photo data is found
 */
export function parseRedfinListingPage(html: string, url: string): ParsedListing {
  const tried: string[] = [];
  const layout: string[] = [];
  const cache = readRedfinDataCache(html);
  if (cache.found) {
    const atf = cachedApiBody(cache.dataCache, REDFIN_ABOVE_THE_FOLD_PATH);
    if (atf === undefined) {
      tried.push(`dataCache["${REDFIN_ABOVE_THE_FOLD_PATH}"] missing`);
    } else {
      const tags = cachedApiBody(cache.dataCache, REDFIN_PHOTO_TAGS_PATH);
      const captions = tags === undefined ? new Map<string, string>() : redfinCaptionsFromPhotoTags(tags.body);
      const read = redfinPhotosFromAboveTheFold(atf.body, captions);
      const label = `__reactServerState dataCache["${atf.key}"].res.text → payload.mediaBrowserInfo.photos`;
      const ok = toParsed(read, label, propertyIdFromHtml(html));
      if (ok !== null) return ok;
      if (isEmptied(read)) layout.push(`${label} empty (Redfin states no photo count to confirm a listing without photos)`);
      else tried.push(read.photosArrayPresent ? `${label} has no listing photo` : `${label} missing`);
    }
  } else {
    tried.push(...cache.pathsTried);
  }
  const dom = redfinPhotosFromDom(html);
  if (dom !== null && dom.photos.length > 0) {
    return {
      photos: dom.photos,
      declaredPhotoCount: dom.declaredPhotoCount,
      dataPath: 'rendered media browser [data-rf-test-id="mediaBrowser"]',
      address: dom.address,
      listingId: propertyIdFromHtml(html),
      excluded: [],
      placeholderOnly: false,
    };
  }
  tried.push(dom === null ? 'media browser [data-rf-test-id="mediaBrowser"] not found' : 'media browser has no listing photo');
  if (layout.length > 0) throw new LayoutChangedError(url, 'redfin', [...layout, ...tried]);
  throw new PhotoDataMissingError(url, 'redfin', tried);
}

/**
 * Parses the body of `/stingray/api/home/details/aboveTheFold` (as the API
 * serves it, with the `{}&&` prefix) into the photo gallery.
 *
 * @param text - the body text
 * @param url - where it came from, for error messages
 * @param captionsBody - optional body of the listing's `photoTagsAndCaptions` API, for captions
 * @returns the gallery with data path `aboveTheFold payload.mediaBrowserInfo.photos`
 * @throws {@link PhotoDataMissingError} when the body does not parse or has no photos array
 * @throws {@link LayoutChangedError} when the photos array is empty
 */
export function parseRedfinAboveTheFoldJson(text: string, url: string, captionsBody?: string): ParsedListing {
  const body = parseRedfinApiBody(text);
  if (body === undefined) throw new PhotoDataMissingError(url, 'redfin', ['aboveTheFold body is not JSON (after the {}&& prefix)']);
  const captions = captionsBody === undefined ? new Map<string, string>() : redfinCaptionsFromPhotoTags(parseRedfinApiBody(captionsBody));
  const read = redfinPhotosFromAboveTheFold(body, captions);
  const parsed = toParsed(read, 'aboveTheFold payload.mediaBrowserInfo.photos', null);
  if (parsed !== null) return parsed;
  if (isEmptied(read)) throw new LayoutChangedError(url, 'redfin', ['payload.mediaBrowserInfo.photos empty']);
  throw new PhotoDataMissingError(url, 'redfin', [
    read.photosArrayPresent ? 'payload.mediaBrowserInfo.photos has no listing photo' : 'payload.mediaBrowserInfo.photos missing',
  ]);
}

/** `true` when the photos array is there but empty: Redfin's data gives no count that could confirm "no photos". */
function isEmptied(read: RedfinPayloadPhotos): boolean {
  return read.photosArrayPresent && read.photos.length === 0 && read.excluded.length === 0;
}

function toParsed(read: RedfinPayloadPhotos, dataPath: string, listingId: string | null): ParsedListing | null {
  if (!read.photosArrayPresent || read.photos.length === 0) return null;
  return {
    photos: read.photos,
    declaredPhotoCount: null,
    dataPath,
    address: read.address,
    listingId,
    excluded: read.excluded,
    placeholderOnly: false,
  };
}

function propertyIdFromHtml(html: string): string | null {
  const canonical = /<link[^>]+rel=["']canonical["'][^>]+href=["'][^"']*\/home\/(\d+)/i.exec(html);
  return canonical?.[1] ?? null;
}
