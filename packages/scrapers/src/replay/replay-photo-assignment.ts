import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** One real photo file that replayed photo hosts serve. */
export interface HousePhoto {
  /** Absolute path of the file. */
  readonly file: string;
  /** SHA-256 of its bytes (hex). */
  readonly sha256: string;
}

/**
 * Lists the distinct photos of a folder (`*.jpg`, `*.jpeg`, `*.png`,
 * `*.webp`), sorted by file name, dropping files whose bytes repeat an
 * earlier file (the house-photos set holds one exact duplicate), so that
 * different photo ids always get different pictures.
 *
 * @param dir - the folder, e.g. `<fixtures>/house-photos`
 * @returns the distinct photos in name order
 * @throws the file system error when the folder cannot be read
 */
export async function listHousePhotos(dir: string): Promise<HousePhoto[]> {
  const names = (await readdir(dir)).filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).sort();
  const seen = new Set<string>();
  const out: HousePhoto[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
    if (seen.has(sha256)) continue;
    seen.add(sha256);
    out.push({ file, sha256 });
  }
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
