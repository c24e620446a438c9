#!/usr/bin/env node
/**
 * `npm run bench:decode`: the memory one property with many very large
 * photos takes in the photo pipeline, with and without a bound on the pixels
 * decoded at once (`MAX_DECODE_PIXELS`). Makes `--photos` (12) distinct JPEGs
 * of `--megapixels` (100) MP in a child process, then runs the full pipeline
 * (download from memory, decode, hash, variants, files) on them in a fresh
 * child process per setting and prints the peak RSS increase of each. A
 * script, not a test: figures depend on the machine.
 *
 * Modes (used by the parent and by the tests): `--make <dir>` writes the
 * photos; `--measure <dir> [--max-decode-pixels N]` prints one JSON line
 * `{ baselineRssMb, peakRssMb, increaseMb, photos, decoded, seconds }`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { configureSharp } from '@phx/core';
import sharp from 'sharp';
import type { BenchPhoto } from './bench-inputs.js';
import { runPipeline } from './pipeline-run.js';
import { RssSampler } from './rss-sampler.js';

const MB = 1024 * 1024;
const run = promisify(execFile);

/** One measurement: RSS before and at the peak of the pipeline run, in MiB. */
export interface DecodeMemoryFigures {
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  readonly increaseMb: number;
  readonly photos: number;
  /** Photos that decoded (new or duplicate); the others failed. */
  readonly decoded: number;
  readonly seconds: number;
}

/** Photo formats the bench can make: JPEG decodes shrunk on load, PNG has no such shortcut. */
type BenchFormat = 'jpeg' | 'png';

/** A PNG `tEXt` chunk: keyword, NUL, text, with its CRC. */
function pngTextChunk(text: string): Buffer {
  const body = Buffer.concat([Buffer.from('tEXt'), Buffer.from('Comment\0'), Buffer.from(text)]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length - 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The same picture with a comment: distinct bytes (SHA-256), same pixels. */
function withComment(bytes: Buffer, format: BenchFormat, text: string): Buffer {
  if (format === 'png') {
    const afterHeader = 8 + 25; // signature, then the IHDR chunk
    return Buffer.concat([bytes.subarray(0, afterHeader), pngTextChunk(text), bytes.subarray(afterHeader)]);
  }
  const comment = Buffer.from(text);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
  return Buffer.concat([bytes.subarray(0, 2), segment, bytes.subarray(2)]);
}

/**
 * Writes `count` photos of `megapixels` MP (square) into `dir`. One picture
 * is encoded; the others are the same bytes with a different comment, so
 * each is a distinct file at the cost of one encode.
 */
async function makePhotos(dir: string, count: number, megapixels: number, format: BenchFormat): Promise<void> {
  const sidePx = Math.round(Math.sqrt(megapixels * 1e6));
  const noise = Buffer.alloc(16 * 12 * 3);
  for (let b = 0; b < noise.length; b += 1) noise[b] = (b * 31 + ((b * b) % 251)) & 0xff;
  // Stored rotated (EXIF orientation 6, as phones write them): turning it upright needs every pixel at once.
  const image = sharp(noise, { raw: { width: 16, height: 12, channels: 3 } })
    .resize(sidePx, sidePx, { kernel: 'nearest', fit: 'fill' })
    .withMetadata({ orientation: 6 });
  const bytes = await (format === 'png' ? image.png({ compressionLevel: 1 }) : image.jpeg({ quality: 80 })).toBuffer();
  const extension = format === 'png' ? 'png' : 'jpg';
  for (let i = 0; i < count; i += 1) {
    await writeFile(join(dir, `large-${String(i).padStart(2, '0')}.${extension}`), withComment(bytes, format, `phx bench photo ${i}`));
  }
}

async function measure(dir: string, maxDecodePixels: number | undefined, properties: number): Promise<DecodeMemoryFigures> {
  configureSharp();
  const names = (await readdir(dir)).filter((n) => /\.(jpg|png|webp)$/.test(n)).sort();
  const photos: BenchPhoto[] = [];
  for (const name of names) photos.push({ name, bytes: await readFile(join(dir, name)), pixels: 0 });
  const baseline = process.memoryUsage.rss();
  const sampler = new RssSampler(10);
  const started = Date.now();
  const outcomes = await runPipeline(photos, {
    photosPerProperty: Math.ceil(photos.length / properties),
    propertyConcurrency: properties,
    photoConcurrency: 4,
    fsync: false,
    ...(maxDecodePixels === undefined ? {} : { maxDecodePixels }),
  });
  const peak = sampler.stop();
  const round = (bytes: number): number => Math.round(bytes / MB);
  const seconds = (Date.now() - started) / 1000;
  const decoded = outcomes.reduce((sum, o) => sum + o.newImages + o.duplicateImages, 0);
  return {
    baselineRssMb: round(baseline),
    peakRssMb: round(peak),
    increaseMb: round(peak - baseline),
    photos: photos.length,
    decoded,
    seconds,
  };
}

async function child(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [fileURLToPath(import.meta.url), ...args], { maxBuffer: 1024 * 1024 });
  return stdout.trim();
}

async function compare(count: number, megapixels: number, format: BenchFormat, budgets: readonly (number | undefined)[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'phx-bench-decode-'));
  try {
    await child(['--make', dir, '--photos', String(count), '--megapixels', String(megapixels), '--format', format]);
    console.log(`phx decode memory: one property, ${count} ${format} photos of ${megapixels} MP, 4 photos in flight`);
    for (const budget of budgets) {
      const figures = JSON.parse(
        await child(['--measure', dir, ...(budget === undefined ? [] : ['--max-decode-pixels', String(budget)])]),
      ) as DecodeMemoryFigures;
      const label = budget === undefined ? 'default (100 MP)' : `${budget / 1e6} MP`;
      console.log(
        `  MAX_DECODE_PIXELS ${label.padEnd(16)} peak RSS ${figures.peakRssMb} MiB, +${figures.increaseMb} MiB over ${figures.baselineRssMb} MiB, ${figures.seconds.toFixed(1)} s`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      make: { type: 'string' },
      measure: { type: 'string' },
      photos: { type: 'string', default: '12' },
      megapixels: { type: 'string', default: '100' },
      format: { type: 'string', default: 'png' },
      'max-decode-pixels': { type: 'string' },
      properties: { type: 'string', default: '1' },
    },
  });
  const budget = values['max-decode-pixels'] === undefined ? undefined : Number(values['max-decode-pixels']);
  const format: BenchFormat = values.format === 'jpeg' ? 'jpeg' : 'png';
  if (values.make !== undefined) return makePhotos(values.make, Number(values.photos), Number(values.megapixels), format);
  const properties = Math.max(1, Number(values.properties));
  if (values.measure !== undefined) return void console.log(JSON.stringify(await measure(values.measure, budget, properties)));
  // 10 000 MP: no bound in effect, as before MAX_DECODE_PIXELS existed.
  await compare(Number(values.photos), Number(values.megapixels), format, [10_000_000_000, 400_000_000, 200_000_000, undefined]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
