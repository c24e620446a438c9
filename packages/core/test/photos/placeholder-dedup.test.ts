import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isPlaceholderTone, readUpright } from '../../src/images/index.js';
import { isSamePicture } from '../../src/photos/index.js';
import type { ImageIdentity } from '../../src/photos/index.js';
import { comingSoonCard, randomColours, solidImage } from '../support/placeholder-images.js';
import type { Rgb } from '../support/placeholder-images.js';

interface Flat {
  readonly label: string;
  readonly identity: ImageIdentity;
  readonly placeholder: boolean;
}

async function identify(label: string, bytes: Buffer): Promise<Flat> {
  const upright = await readUpright(bytes, { maxSidePx: 256 });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const identity = {
    sha256,
    perceptualHash: upright.perceptualHash,
    tone: upright.tone,
    widthPx: 640,
    heightPx: 427,
    byteLength: bytes.length,
  };
  return { label, identity, placeholder: isPlaceholderTone(upright.tone) };
}

/** Pairs of different images that the rule takes for one picture; `hashOnly` drops the tone (the rule before tones). */
function merges(images: readonly Flat[], hashOnly: boolean): string[] {
  const out: string[] = [];
  const strip = (i: ImageIdentity): ImageIdentity => (hashOnly ? { ...i, tone: null } : i);
  for (let a = 0; a < images.length; a += 1) {
    for (let b = a + 1; b < images.length; b += 1) {
      const [x, y] = [images[a] as Flat, images[b] as Flat];
      if (isSamePicture(strip(x.identity), strip(y.identity))) out.push(`${x.label}~${y.label}`);
    }
  }
  return out;
}

function report(name: string, images: readonly Flat[]): string[] {
  const after = merges(images, false);
  const pairs = (images.length * (images.length - 1)) / 2;
  process.stdout.write(
    `${name}: ${pairs} pairs; merged by the hash alone ${merges(images, true).length}, by hash and tone ${after.length}\n`,
  );
  return after;
}

const greyLabel = (v: number): string => `grey-0x${v.toString(16).padStart(2, '0')}`;

describe('placeholders never merge with another colour', () => {
  it('keeps all 256 solid greys apart, pairwise, and flags each as a placeholder', async () => {
    const greys = await Promise.all(Array.from({ length: 256 }, async (_, v) => identify(greyLabel(v), await solidImage([v, v, v]))));
    expect(greys.filter((g) => !g.placeholder).map((g) => g.label)).toEqual([]);
    expect(report('256 solid greys', greys)).toEqual([]);
  }, 120_000);

  it('keeps 100 random solid colours apart, pairwise', async () => {
    const colours = randomColours(100);
    const flats = await Promise.all(colours.map(async (rgb, i) => identify(`colour-${i}-${rgb.join('.')}`, await solidImage(rgb))));
    expect(report('100 random solid colours', flats)).toEqual([]);
  }, 120_000);

  it('keeps "Coming Soon" cards in three colours apart, and flags them as placeholders', async () => {
    const backgrounds: Rgb[] = [
      [255, 255, 255],
      [30, 79, 160],
      [224, 224, 224],
    ];
    const cards = await Promise.all(
      backgrounds.map(async (bg) => identify(`card-${bg.join('.')}`, await comingSoonCard(bg, [51, 51, 51]))),
    );
    expect(cards.map((c) => c.placeholder)).toEqual([true, true, true]);
    expect(report('"Coming Soon" cards in 3 colours', cards)).toEqual([]);
  });

  it('still takes a copy of a placeholder at another size for the same picture', async () => {
    const card = await comingSoonCard([30, 79, 160], [255, 255, 255], 1024);
    const [big, small] = await Promise.all([
      identify('card-1024', card),
      identify('card-512', await sharp(card).resize(512).png().toBuffer()),
    ]);
    expect(isSamePicture(big.identity, small.identity)).toBe(true);
    const [grey, greyJpeg] = await Promise.all([
      identify('grey-png', await solidImage([128, 128, 128])),
      identify('grey-jpeg', await solidImage([128, 128, 128], 'jpeg')),
    ]);
    expect(isSamePicture(grey.identity, greyJpeg.identity)).toBe(true);
  });
});
