import { BotWallError, LayoutChangedError, ListingRemovedError, PhotoDataMissingError } from '../errors/index.js';
import { numberAt, recordAt, stringAt } from '../listing/index.js';
import type { JsonRecord, PageSnapshot, ParsedListing } from '../listing/index.js';
import { zillowPhotosFromGalleryDom } from './zillow-gallery-dom.js';
import { findZillowProperty } from './zillow-property-data.js';
import { zillowPhotosFromProperty } from './zillow-photos.js';

/** Markers of PerimeterX's block page; `_pxAppId` alone is not one (normal pages carry it). */
const PX_MARKERS: readonly (readonly [string, RegExp])[] = Object.freeze([
  ['px-captcha', /px-captcha/i],
  ['"Access to this page has been denied"', /Access to this page has been denied/i],
  ['"Press & Hold"', /Press\s*(?:&amp;|&)\s*Hold/i],
]);

/**
 * Recognises PerimeterX's bot wall on a Zillow answer: a 403, or a 200 whose
 * page has the `px-captcha` overlay and no readable listing `property` (a
 * `__NEXT_DATA__` script alone, e.g. an empty shell, does not count).
 *
 * @param snapshot - the loaded page
 * @throws {@link BotWallError} when the page is a bot wall
 */
export function assertNotZillowBotWall(snapshot: PageSnapshot): void {
  const html = snapshot.html.length > 0 ? snapshot.html : snapshot.renderedHtml;
  const markers = PX_MARKERS.filter(([, re]) => re.test(html)).map(([name]) => name);
  if (markers.length > 0 && /_pxAppId/.test(html)) markers.push('_pxAppId');
  // Wall markers win over a data script: a captcha page can carry an empty __NEXT_DATA__ shell.
  const hasData = markers.length > 0 && findZillowProperty(html).found;
  if (snapshot.status === 403 || (markers.length > 0 && !hasData)) {
    throw new BotWallError(snapshot.requestedUrl, 'zillow', {
      vendor: markers.length > 0 ? 'perimeterx' : 'unknown',
      status: snapshot.status,
      markers: markers.length > 0 ? markers : [`HTTP ${snapshot.status}`],
    });
  }
}

/**
 * Parses a Zillow detail page into its photo gallery. Reads, in order: the
 * `property` object of `__NEXT_DATA__` (2024 and 2023 paths) or of
 * `hdpApolloPreloadedData`, then the rendered gallery DOM as a last resort.
 *
 * @param html - the page HTML
 * @param url - the page URL, for error messages
 * @returns the gallery with its data path, declared count and address
 * @throws {@link ListingRemovedError} when the page's data says the property is gone (`property: null`)
 * @throws {@link LayoutChangedError} naming every path tried when the photo arrays are empty while
 *   `photoCount` is absent (renamed or dropped) or declares photos, and no rendered gallery has any
 * @throws {@link PhotoDataMissingError} naming every path tried when no photo data is found
 */
export function parseZillowListingPage(html: string, url: string): ParsedListing {
  const lookup = findZillowProperty(html);
  const tried: string[] = [];
  const layout: string[] = [];
  if (lookup.found) {
    const { property, dataPath } = lookup;
    const read = zillowPhotosFromProperty(property);
    const base = { address: zillowAddress(property), listingId: zillowId(property) };
    if (read.photos.length > 0 || (read.arraysPresent.length > 0 && read.excluded.length > 0)) {
      return {
        ...base,
        photos: read.photos,
        declaredPhotoCount: read.declaredPhotoCount,
        dataPath,
        excluded: read.excluded,
        placeholderOnly: read.streetViewOnly,
      };
    }
    if (read.arraysPresent.length > 0 && read.declaredPhotoCount === 0) {
      return { ...base, photos: [], declaredPhotoCount: 0, dataPath, excluded: [], placeholderOnly: false };
    }
    if (read.arraysPresent.length > 0) {
      // The data is there but contradicts itself or lost the count that would confirm "no photos".
      layout.push(`${dataPath}.${read.arraysPresent.join('/')} empty while photoCount is ${read.declaredPhotoCount ?? 'absent'}`);
    } else {
      tried.push(`${dataPath} has none of responsivePhotos, originalPhotos, photos`);
    }
  } else {
    if (lookup.removed) {
      throw new ListingRemovedError(url, 'zillow', 200, 'the page data has property: null');
    }
    tried.push(...lookup.pathsTried);
  }
  const dom = zillowPhotosFromGalleryDom(html);
  if (dom !== null && dom.photos.length > 0) {
    return {
      photos: dom.photos,
      declaredPhotoCount: dom.declaredPhotoCount,
      dataPath: 'rendered gallery [data-testid="hollywood-gallery-images"]',
      address: null,
      listingId: null,
      excluded: [],
      placeholderOnly: false,
    };
  }
  tried.push(dom === null ? 'gallery [data-testid="hollywood-gallery-images"] not found' : 'gallery has no listing photos');
  if (layout.length > 0) throw new LayoutChangedError(url, 'zillow', [...layout, ...tried]);
  throw new PhotoDataMissingError(url, 'zillow', tried);
}

/**
 * Reads the street address from a Zillow `property` object.
 *
 * @param property - the `property` object
 * @returns e.g. `1000 Plymouth Dr, Austin, TX 78758`, or `null` when incomplete
 */
export function zillowAddress(property: JsonRecord): string | null {
  const a = recordAt(property, 'address');
  const street = stringAt(property, 'streetAddress') ?? stringAt(a, 'streetAddress');
  const city = stringAt(property, 'city') ?? stringAt(a, 'city');
  const state = stringAt(property, 'state') ?? stringAt(a, 'state');
  const zip = stringAt(property, 'zipcode') ?? stringAt(a, 'zipcode');
  if (street === undefined || city === undefined || state === undefined) return null;
  return `${street}, ${city}, ${state}${zip === undefined ? '' : ` ${zip}`}`;
}

function zillowId(property: JsonRecord): string | null {
  const zpid = numberAt(property, 'zpid');
  return zpid === undefined ? null : String(zpid);
}

/**
 * Parses a Zillow `property` object saved or fetched on its own (the value
 * under `.property` of a detail page's query cache), e.g. from an API body.
 *
 * @param json - the JSON text, or the already parsed object
 * @param url - where it came from, for error messages
 * @returns the gallery with data path `property`
 * @throws {@link PhotoDataMissingError} when the object has no photo arrays
 * @throws {@link LayoutChangedError} when the arrays are empty while `photoCount` is absent or declares photos
 */
export function parseZillowPropertyJson(json: string | JsonRecord, url: string): ParsedListing {
  let property: unknown;
  try {
    property = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (cause) {
    throw new PhotoDataMissingError(url, 'zillow', ['property JSON does not parse'], { cause });
  }
  const record = recordAt({ property }, 'property');
  if (record === undefined) throw new PhotoDataMissingError(url, 'zillow', ['property JSON is not an object']);
  const read = zillowPhotosFromProperty(record);
  const empty = read.photos.length === 0 && read.excluded.length === 0;
  if (read.arraysPresent.length === 0) {
    throw new PhotoDataMissingError(url, 'zillow', ['property has none of responsivePhotos, originalPhotos, photos']);
  }
  if (empty && read.declaredPhotoCount !== 0) {
    throw new LayoutChangedError(url, 'zillow', [
      `property.${read.arraysPresent.join('/')} empty while photoCount is ${read.declaredPhotoCount ?? 'absent'}`,
    ]);
  }
  return {
    photos: read.photos,
    declaredPhotoCount: read.declaredPhotoCount,
    dataPath: 'property',
    address: zillowAddress(record),
    listingId: zillowId(record),
    excluded: read.excluded,
    placeholderOnly: read.streetViewOnly,
  };
}
