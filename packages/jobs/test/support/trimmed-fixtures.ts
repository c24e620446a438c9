import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Photo arrays of a Zillow `property` object (the parser reads these). */
const ZILLOW_PHOTO_ARRAYS = ['responsivePhotos', 'originalPhotos', 'responsivePhotosOriginalRatio', 'photos', 'hugePhotos'];

const NEXT_DATA = /(<script id="__NEXT_DATA__"[^>]*>)([\s\S]*?)(<\/script>)/;

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A copy of a saved Zillow detail page whose gallery keeps only its first
 * `keep` photos, while `photoCount` keeps the page's own value: the page a
 * site serves when its gallery data is cut short.
 *
 * @param html - the saved page (2024+ layout: `props.pageProps.componentProps.gdpClientCache`)
 * @param keep - photos to keep in every photo array
 * @returns the changed page and the count it still declares
 * @throws Error when the page has no `__NEXT_DATA__` property with photo arrays
 */
export function trimZillowGallery(html: string, keep: number): { html: string; declaredPhotoCount: number } {
  const match = NEXT_DATA.exec(html);
  if (match === null) throw new Error('no __NEXT_DATA__ script in the page');
  const next = JSON.parse(match[2] ?? '') as { props: { pageProps: { componentProps: { gdpClientCache: string } } } };
  const props = next.props.pageProps.componentProps;
  const cache = JSON.parse(props.gdpClientCache) as Json;
  let declared: number | null = null;
  for (const entry of Object.values(cache)) {
    const property = isRecord(entry) ? entry['property'] : undefined;
    if (!isRecord(property)) continue;
    declared = typeof property['photoCount'] === 'number' ? property['photoCount'] : declared;
    for (const name of ZILLOW_PHOTO_ARRAYS) {
      const list = property[name];
      if (Array.isArray(list)) property[name] = list.slice(0, keep);
    }
  }
  if (declared === null) throw new Error('no property with photoCount in gdpClientCache');
  props.gdpClientCache = JSON.stringify(cache);
  // `<` escaped as the site does, so no `</script>` can end the script early.
  const json = JSON.stringify(next).replace(/</g, '\\u003c');
  return {
    html: html.replace(NEXT_DATA, (_all, open: string, _body: string, close: string) => `${open}${json}${close}`),
    declaredPhotoCount: declared,
  };
}

/** A fixtures folder made by a test: the shared one with some pages replaced. */
export interface TrimmedFixtures {
  /** The folder to use as `fixturesDir`. */
  readonly dir: string;
  /** Removes the folder (the shared fixtures are only linked, never touched). */
  remove(): Promise<void>;
}

/**
 * Makes a fixtures folder in the temp dir that links every file of `sharedDir`
 * except the Zillow pages given, which are written from `pages` (file name to HTML).
 *
 * @param sharedDir - the shared fixtures (holding `listings/` and `house-photos/`)
 * @param pages - replaced Zillow pages by file name under `listings/zillow`
 * @returns the folder and its remover
 */
export async function makeFixturesWith(sharedDir: string, pages: ReadonlyMap<string, string>): Promise<TrimmedFixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'phx-fixtures-'));
  await symlink(join(sharedDir, 'house-photos'), join(dir, 'house-photos'));
  await mkdir(join(dir, 'listings', 'zillow'), { recursive: true });
  await symlink(join(sharedDir, 'listings', 'redfin'), join(dir, 'listings', 'redfin'));
  for (const name of await readdir(join(sharedDir, 'listings', 'zillow'))) {
    const target = join(dir, 'listings', 'zillow', name);
    const page = pages.get(name);
    if (page === undefined) await symlink(join(sharedDir, 'listings', 'zillow', name), target);
    else await writeFile(target, page);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Reads a saved Zillow page of the shared fixtures.
 *
 * @param sharedDir - the shared fixtures
 * @param name - file name under `listings/zillow`
 * @returns its HTML
 */
export function readZillowPage(sharedDir: string, name: string): Promise<string> {
  return readFile(join(sharedDir, 'listings', 'zillow', name), 'utf8');
}
