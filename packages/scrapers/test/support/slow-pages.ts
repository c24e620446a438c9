/** A URL the replay answers only after 10 minutes: a hung sub-resource. */
export const HUNG_URL = 'https://www.zillow.com/phx-test/hung-resource';

/** The saved page with an iframe that never answers (so `load` never fires). */
export function withHungIframe(html: string): string {
  return html.replace('<body', `<body><iframe src="${HUNG_URL}?frame" title="hung"></iframe><i hidden></i`);
}

/** The saved page with a blocking script in `<head>` that never answers (so the DOM never finishes parsing). */
export function withHungHeadScript(html: string): string {
  return html.replace(/<head([^>]*)>/, `<head$1><script src="${HUNG_URL}?script"></script>`);
}

/**
 * The saved page with its rendered gallery taken out and put back by a
 * script `delayMs` after the `load` event, as a client-rendered gallery is.
 */
export function deferGallery(html: string, delayMs: number): string {
  const [start, end] = galleryBounds(html);
  const gallery = html.slice(start, end);
  const script = `<script>addEventListener('load', () => setTimeout(() => {
    document.getElementById('phx-deferred').outerHTML = ${JSON.stringify(gallery).replace(/</g, '\\u003c')};
  }, ${delayMs}));</script>`;
  return `${html.slice(0, start)}<div id="phx-deferred"></div>${html.slice(end)}`.replace('</body>', `${script}</body>`);
}

/**
 * The saved page with its `__NEXT_DATA__` script taken out and put back by a
 * script `delayMs` after the `load` event, as a page whose data is fetched
 * and rendered on the client is.
 */
export function deferNextData(html: string, delayMs: number): string {
  const m = /<script id="__NEXT_DATA__"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  if (m === null) throw new Error('no __NEXT_DATA__ in the saved page');
  const script = `<script>addEventListener('load', () => setTimeout(() => {
    const data = document.createElement('script');
    data.id = '__NEXT_DATA__';
    data.type = 'application/json';
    data.textContent = ${JSON.stringify(m[1]).replace(/</g, '\\u003c')};
    document.body.appendChild(data);
  }, ${delayMs}));</script>`;
  return html.replace(m[0], '').replace('</body>', () => `${script}</body>`);
}

/** Start and end offsets of the rendered Zillow gallery `<div>` in a saved page. */
export function galleryBounds(html: string): readonly [number, number] {
  const start = html.indexOf('<div data-testid="hollywood-gallery-images"');
  if (start < 0) throw new Error('no rendered gallery in the saved page');
  return [start, matchingDivEnd(html, start)];
}

/** A 1x1 GIF, the `src` lazy-loading galleries show until a photo scrolls into view. */
export const PLACEHOLDER_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

/** The saved page with its gallery made lazy: every photo URL moved to `data-src`/`data-srcset`, `src` a placeholder. */
export function lazyGallery(html: string): string {
  const [start, end] = galleryBounds(html);
  const lazy = html
    .slice(start, end)
    .replace(/\ssrc[sS]et="/g, ' data-srcset="')
    .replace(/\ssrc="(https:[^"]*)"/g, ` src="${PLACEHOLDER_GIF}" data-src="$1"`);
  return html.slice(0, start) + lazy + html.slice(end);
}

function matchingDivEnd(html: string, start: number): number {
  const re = /<div\b|<\/div>/g;
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m !== null; m = re.exec(html)) {
    depth += m[0] === '</div>' ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  throw new Error('unbalanced gallery <div>');
}

/**
 * The saved page with only the first `shown` tiles of its gallery rendered;
 * each scroll of the gallery's tile list (made a 400 px scrolling box, as
 * the site styles it) renders the next tile, as a gallery filled on scroll does.
 */
export function galleryFilledOnScroll(html: string, shown: number): string {
  const [start, end] = galleryBounds(html);
  const gallery = html.slice(start, end);
  const tiles = [...gallery.matchAll(/<li\b[\s\S]*?<\/li>/g)].map((m) => m[0]);
  let kept = gallery.replace(
    /(<div data-testid="hollywood-gallery-images-tile-list"[^>]*)>/,
    '$1 style="display:block;height:400px;overflow-y:auto"><div style="height:5000px" aria-hidden="true"></div>',
  );
  for (const tile of tiles.slice(shown)) kept = kept.replace(tile, '');
  const script = `<script>(() => {
    const rest = ${JSON.stringify(tiles.slice(shown)).replace(/</g, '\\u003c')};
    document.addEventListener('scroll', () => {
      const next = rest.shift();
      const list = document.querySelector('[data-testid="hollywood-gallery-images-tile-list"]');
      if (next !== undefined && list !== null) list.insertAdjacentHTML('beforeend', next);
    }, true);
  })();</script>`;
  return (html.slice(0, start) + kept + html.slice(end)).replace('</body>', `${script}</body>`);
}
