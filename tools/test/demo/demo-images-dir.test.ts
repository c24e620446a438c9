import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoImagesDir } from '../../src/demo/demo-options.js';

describe('demoImagesDir', () => {
  it("keeps the default database's images where they always were", () => {
    expect(demoImagesDir('/data', 'phx_demo')).toBe(join('/data', 'demo', 'images'));
  });

  it('gives each other --db a folder of its own, so --fresh of one drops no other photos', () => {
    // `--db other --fresh` removed .data/demo/images, the photos of phx_demo too.
    expect(demoImagesDir('/data', 'other')).toBe(join('/data', 'demo', 'images-other'));
    // Never inside the default folder (its --fresh would remove it) nor the logs folder.
    expect(demoImagesDir('/data', 'images')).toBe(join('/data', 'demo', 'images-images'));
    expect(demoImagesDir('/data', 'logs')).toBe(join('/data', 'demo', 'images-logs'));
  });
});
