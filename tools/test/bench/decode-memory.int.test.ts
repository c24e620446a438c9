import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BENCH = fileURLToPath(new URL('../../dist/bench/decode-memory-main.js', import.meta.url));

/** What one `--measure` run printed. */
interface Figures {
  readonly increaseMb: number;
  readonly decoded: number;
  readonly photos: number;
}

async function bench(args: readonly string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BENCH, ...args], { maxBuffer: 1024 * 1024, timeout: 150_000 });
  return stdout.trim();
}

describe('decoding memory of one property with 12 photos of 100 MP (a fresh process each)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-decode-memory-'));
    // Rotated PNGs: no shrink-on-load, and turning them upright needs every pixel, the costliest case found.
    await bench(['--make', dir, '--photos', '12', '--megapixels', '100', '--format', 'png']);
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('the made photos are 12 distinct 100 MP files', async () => {
    expect((await readdir(dir)).filter((n) => n.endsWith('.png'))).toHaveLength(12);
  });

  it('with MAX_DECODE_PIXELS at 100 MP the pipeline decodes every photo and its RSS grows by well under what 4 photos in flight take', async () => {
    const figures = JSON.parse(await bench(['--measure', dir, '--max-decode-pixels', '100000000'])) as Figures;
    expect([figures.photos, figures.decoded]).toEqual([12, 12]);
    // Measured here: +492-507 MiB with 4 photos decoding at once, +264 MiB with the budget; 400 leaves room for a loaded machine.
    expect(figures.increaseMb, JSON.stringify(figures)).toBeLessThan(400);
  }, 180_000);
});
