import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { isSamePicture, readUpright } from '@phx/core';
import type { ImageIdentity } from '@phx/core';

/** One real photo file that replayed photo hosts serve. */
export interface HousePhoto {
  /** Absolute path of the file. */
  readonly file: string;
  /** SHA-256 of its bytes (hex). */
  readonly sha256: string;
}

/** Longest side in px the photos are read at to compare them: enough for the 32×32 hash sample. */
const COMPARE_SIDE_PX = 128;

async function identityOf(bytes: Buffer, sha256: string, file: string): Promise<ImageIdentity> {
  const { perceptualHash, tone, widthPx, heightPx } = await readUpright(bytes, { photo: file, maxSidePx: COMPARE_SIDE_PX });
  return { sha256, perceptualHash, tone, widthPx, heightPx, byteLength: bytes.length };
}

/**
 * Lists the distinct pictures of a folder (`*.jpg`, `*.jpeg`, `*.png`,
 * `*.webp`), sorted by file name, dropping files that show the same picture
 * as an earlier file by core's rule (`isSamePicture`: the same bytes, or
 * the same picture at another size; the house-photos set holds one exact
 * duplicate and five pictures twice at 900×600 and 720×480), so that
 * different photo ids of a listing always get pictures de-duplication tells apart.
 *
 * Comparing decodes every file (seconds for the 240 house photos), so the
 * listing is kept per process and cached between processes under the OS
 * temporary folder, named by the files' names, sizes and modification times.
 *
 * @param dir - the folder, e.g. `<fixtures>/house-photos`
 * @returns the distinct pictures in name order
 * @throws the file system error when the folder cannot be read
 * @throws `InvalidImageError` (from `@phx/core`) when a file does not decode
 */
export function listHousePhotos(dir: string): Promise<HousePhoto[]> {
  const key = path.resolve(dir);
  let listed = listedByDir.get(key);
  if (listed === undefined) {
    listed = listDistinctPictures(key);
    listedByDir.set(key, listed);
    listed.catch(() => listedByDir.delete(key));
  }
  return listed;
}

/** One listing per folder and process: comparing the pictures decodes every file. */
const listedByDir = new Map<string, Promise<HousePhoto[]>>();

/** Bumped when the comparison changes, so that a stale cached listing is not used. */
const LISTING_VERSION = 1;
const LISTING_CACHE_DIR = path.join(tmpdir(), 'phx-replay-photos');

/** Where the listing of a folder is cached between processes: named by the files' names, sizes and times. */
async function cacheFileOf(dir: string, names: readonly string[]): Promise<string> {
  const hash = createHash('sha256').update(`v${LISTING_VERSION}\n${dir}\n`);
  for (const name of names) {
    const info = await stat(path.join(dir, name));
    hash.update(`${name}:${info.size}:${info.mtimeMs}\n`);
  }
  return path.join(LISTING_CACHE_DIR, `house-photos-${hash.digest('hex').slice(0, 32)}.json`);
}

async function listDistinctPictures(dir: string): Promise<HousePhoto[]> {
  const names = (await readdir(dir)).filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).sort();
  const cacheFile = await cacheFileOf(dir, names);
  const cached = await readFile(cacheFile, 'utf8').then(
    (text) => JSON.parse(text) as HousePhoto[],
    () => null,
  );
  if (cached !== null) return cached;
  const kept: ImageIdentity[] = [];
  const out: HousePhoto[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const bytes = await readFile(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const identity = await identityOf(bytes, sha256, file);
    if (kept.some((k) => isSamePicture(k, identity))) continue;
    kept.push(identity);
    out.push({ file, sha256 });
  }
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await mkdir(LISTING_CACHE_DIR, { recursive: true })
    .then(() => writeFile(tmp, JSON.stringify(out)))
    .then(() => rename(tmp, cacheFile))
    .catch(() => undefined); // a cache that cannot be written only costs time
  return out;
}

/**
 * Gives every photo id its own photo: ids sorted, photos in name order,
 * matched one to one. The same inputs give the same assignment in any
 * process, so a test and a worker agree on which bytes a URL serves.
 *
 * @param photoKeys - `<source>:<photoId>` of every photo of every replayed page (duplicates ignored)
 * @param photos - the distinct photos, from {@link listHousePhotos}
 * @returns photo file by key
 * @throws RangeError when there are more photo ids than photos
 */
export function assignReplayPhotos(photoKeys: Iterable<string>, photos: readonly HousePhoto[]): Map<string, HousePhoto> {
  const keys = [...new Set(photoKeys)].sort();
  if (keys.length > photos.length) {
    throw new RangeError(`replay needs ${keys.length} distinct photos but the photo folder has ${photos.length}`);
  }
  return new Map(keys.map((key, i) => [key, photos[i] as HousePhoto]));
}
