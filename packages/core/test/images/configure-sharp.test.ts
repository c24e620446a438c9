import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { configureSharp } from '../../src/images/index.js';

describe('configureSharp', () => {
  const before = { concurrency: sharp.concurrency() };
  afterEach(() => {
    sharp.concurrency(before.concurrency);
    sharp.cache(true);
  });

  it('sets the thread count and turns the operation cache off by default', () => {
    expect(configureSharp({ concurrency: 2 })).toEqual({ concurrency: 2, cacheMb: 0 });
    expect(sharp.concurrency()).toBe(2);
    expect(sharp.cache().memory.max).toBe(0);
  });

  it('keeps a cache when asked', () => {
    expect(configureSharp({ concurrency: 1, cacheMb: 20 })).toEqual({ concurrency: 1, cacheMb: 20 });
    expect(sharp.cache().memory.max).toBe(20);
  });
});
