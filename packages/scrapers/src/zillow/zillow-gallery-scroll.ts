import { throwIfCancelled } from '@phx/core';
import type { Page } from 'playwright-core';
import type { ParsedListing } from '../listing/index.js';
import { zillowPhotosFromGalleryDom } from './zillow-gallery-dom.js';

/** Most scroll rounds spent on one gallery. */
const MAX_GALLERY_SCROLL_ROUNDS = 40;
/** Rounds without a new photo after which the gallery is taken as complete. */
const GALLERY_STALE_ROUNDS = 2;
/** Time given to the page to render new tiles after each scroll, in ms. */
const GALLERY_SCROLL_SETTLE_MS = 300;

interface Scrollable {
  scrollTop: number;
  readonly scrollHeight: number;
}

/** Runs in the page (serialised: no closure): scrolls the window and the gallery's tile list to their ends. */
function scrollToEnd(): void {
  const g = globalThis as unknown as {
    scrollTo(x: number, y: number): void;
    document: { querySelectorAll(selector: string): Iterable<Scrollable> };
  };
  g.scrollTo(0, 0);
  g.scrollTo(0, 1e9);
  for (const list of g.document.querySelectorAll(
    '[data-testid="hollywood-gallery-images-tile-list"], [data-testid="hollywood-gallery-images"]',
  )) {
    // Up a little first, so a list already at its end still scrolls (and fires `scroll`).
    list.scrollTop = Math.max(0, list.scrollHeight - 2_000);
    list.scrollTop = list.scrollHeight;
  }
}

/**
 * Completes a gallery read from the rendered DOM that holds fewer photos than
 * the page declares: scrolls the page and the gallery, re-reading the DOM
 * after each scroll, until the declared count is reached, no new photo came
 * for {@link GALLERY_STALE_ROUNDS} rounds, or {@link MAX_GALLERY_SCROLL_ROUNDS} passed.
 *
 * @param page - the loaded page
 * @param parsed - what the rendered DOM gave first (its `declaredPhotoCount` kept)
 * @param signal - aborts between rounds
 * @returns the gallery with every photo the scrolling revealed (never fewer than `parsed`)
 * @throws `CancelledError` (core) when `signal` aborts
 */
export async function scrollZillowGallery(page: Page, parsed: ParsedListing, signal: AbortSignal | undefined): Promise<ParsedListing> {
  const declared = parsed.declaredPhotoCount ?? 0;
  let best = parsed;
  let stale = 0;
  for (let round = 0; round < MAX_GALLERY_SCROLL_ROUNDS && stale < GALLERY_STALE_ROUNDS && best.photos.length < declared; round += 1) {
    throwIfCancelled(signal);
    await page.evaluate(scrollToEnd);
    await page.waitForTimeout(GALLERY_SCROLL_SETTLE_MS);
    const dom = zillowPhotosFromGalleryDom(await page.content());
    if (dom !== null && dom.photos.length > best.photos.length) {
      best = { ...best, photos: dom.photos };
      stale = 0;
    } else {
      stale += 1;
    }
  }
  return best;
}
