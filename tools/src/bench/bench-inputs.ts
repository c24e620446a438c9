import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

/** One benchmark photo: real house-photo content scaled to 1-4 MP, as JPEG bytes. */
export interface BenchPhoto {
  /** Unique name, e.g. `house-001-kitchen@1600`. */
  readonly name: string;
  /** JPEG bytes. */
  readonly bytes: Buffer;
  /** Pixels (width × height). */
  readonly pixels: number;
}

/** Sizes the house photos are scaled to, in megapixels. */
const TARGET_MEGAPIXELS = [1.5, 2.5, 3.5] as const;

/**
 * Makes `count` photos of 1-4 MP from the real house photos, scaling each
 * (the fixtures are 0.15-0.8 MP) to one of {@link TARGET_MEGAPIXELS} in turn and
 * encoding it as a quality-90 JPEG, as a listing site serves them.
 *
 * @param housePhotosDir - the shared fixtures' `house-photos` folder
 * @param count - how many photos (≥ 1); more than 240 reuses photos at other widths
 * @returns the photos, in a fixed order
 */
export async function makeBenchPhotos(housePhotosDir: string, count: number): Promise<BenchPhoto[]> {
  const names = (await readdir(housePhotosDir)).filter((n) => n.endsWith('.jpg')).sort();
  const photos: BenchPhoto[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = names[i % names.length] as string;
    const target = TARGET_MEGAPIXELS[(i + Math.floor(i / names.length)) % TARGET_MEGAPIXELS.length] as number;
    const original = await readFile(join(housePhotosDir, name));
    const { width, height } = await sharp(original).metadata();
    const widthPx = Math.round(width * Math.sqrt((target * 1e6) / (width * height)));
    const { data, info } = await sharp(original).resize(widthPx).jpeg({ quality: 90 }).toBuffer({ resolveWithObject: true });
    photos.push({ name: `${name.replace(/\.jpg$/, '')}@${target}MP`, bytes: data, pixels: info.width * info.height });
  }
  return photos;
}
