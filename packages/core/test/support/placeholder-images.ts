import sharp from 'sharp';

/** An sRGB colour, each channel 0-255. */
export type Rgb = readonly [number, number, number];

const hex = (rgb: Rgb): string => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/**
 * A flat image of one colour, as a photo host serves a missing photo.
 *
 * @param rgb - the colour
 * @param format - `png` (lossless, so the colour is exact) or `jpeg`
 * @returns the encoded 640×427 image
 */
export function solidImage(rgb: Rgb, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const image = sharp({ create: { width: 640, height: 427, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  return (format === 'png' ? image.png() : image.jpeg({ quality: 90 })).toBuffer();
}

/**
 * A "Coming Soon" card: a flat background with one line of text, as listings show before their photos.
 *
 * @param background - background colour
 * @param text - text colour
 * @param widthPx - width in px (height two thirds of it)
 * @returns the card as a JPEG
 */
export function comingSoonCard(background: Rgb, text: Rgb, widthPx = 1024): Promise<Buffer> {
  const heightPx = Math.round((widthPx * 2) / 3);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}">` +
    `<rect width="100%" height="100%" fill="${hex(background)}"/>` +
    `<text x="50%" y="54%" font-size="${Math.round(widthPx / 11)}" text-anchor="middle" fill="${hex(text)}" font-family="DejaVu Sans">Coming Soon</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 88 }).toBuffer();
}

/**
 * Colours from a seeded generator (mulberry32), the same in every run.
 *
 * @param count - how many
 * @param seed - the seed
 * @returns `count` colours, each channel 0-255
 */
export function randomColours(count: number, seed = 10): Rgb[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % 256;
  };
  return Array.from({ length: count }, () => [next(), next(), next()] as const);
}
