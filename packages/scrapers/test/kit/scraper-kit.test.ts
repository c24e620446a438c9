import { InvalidInputError } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKitOptions } from '../../src/kit/index.js';

describe('createScraperKit options', () => {
  it('lists every bad option at once in one InvalidInputError', async () => {
    const bad = {
      mode: { kind: 'replay', fixturesDir: '' },
      isolationMode: 'tab',
      navigationTimeoutMs: 5,
      maxPhotoBytes: -1,
      color: 'blue',
    } as unknown as ScraperKitOptions;
    const err = await createScraperKit(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const paths = (err as InvalidInputError).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['mode.fixturesDir', 'isolationMode', 'navigationTimeoutMs', 'maxPhotoBytes', '']));
    expect((err as InvalidInputError).code).toBe('BAD_USER_INPUT');
  });

  it('rejects an unknown mode and a missing fixtures folder', async () => {
    await expect(createScraperKit({ mode: { kind: 'record' } } as unknown as ScraperKitOptions)).rejects.toBeInstanceOf(InvalidInputError);
    const err = await createScraperKit({ mode: { kind: 'replay', fixturesDir: '/nonexistent/fixtures' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toContain('/nonexistent/fixtures');
  });

  it('builds a live kit without launching anything', async () => {
    const kit = await createScraperKit({ mode: { kind: 'live' }, isolationMode: 'context' });
    expect(kit.scrapers.zillow.source).toBe('zillow');
    expect(kit.scrapers.redfin.source).toBe('redfin');
    expect(kit.archive).toBeNull();
    expect(kit.pool.isolationMode).toBe('context');
    await kit.close();
    await kit.close();
  });
});
