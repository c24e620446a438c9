import type { ListingPhoto } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { FetchModePlanner, photoListDifference } from '../../src/http/index.js';

function plans(planner: FetchModePlanner, n: number): string[] {
  return Array.from({ length: n }, () => {
    const p = planner.plan();
    return p.probe ? 'probe' : p.first;
  });
}

describe('FetchModePlanner', () => {
  it('plans plain HTTP first while HTTP serves the pages', () => {
    const planner = new FetchModePlanner({ verifyEveryPages: null });
    for (let i = 0; i < 5; i += 1) {
      expect(planner.plan()).toEqual({ first: 'http', probe: false });
      expect(planner.httpServed()).toBe(false);
    }
    expect(planner.preferred).toBe('http');
  });

  it('goes browser-first after N fallbacks in a row, not after N scattered ones', () => {
    const planner = new FetchModePlanner({ fallbacksToPreferBrowser: 3, verifyEveryPages: null });
    planner.fellBack();
    planner.fellBack();
    planner.httpServed(); // breaks the run
    planner.fellBack();
    planner.fellBack();
    expect(planner.preferred).toBe('http');
    planner.fellBack();
    expect(planner.preferred).toBe('browser');
    expect(planner.plan().first).toBe('browser');
  });

  it('probes plain HTTP every M pages while browser-first, and a served probe makes it HTTP-first again', () => {
    const planner = new FetchModePlanner({ fallbacksToPreferBrowser: 1, httpRetryEveryPages: 3, verifyEveryPages: null });
    planner.fellBack();
    expect(plans(planner, 6)).toEqual(['browser', 'browser', 'probe', 'browser', 'browser', 'probe']);
    planner.fellBack(); // the probe fell back: still browser-first
    expect(planner.preferred).toBe('browser');
    expect(plans(planner, 3)).toEqual(['browser', 'browser', 'probe']);
    planner.httpServed();
    expect(planner.preferred).toBe('http');
    expect(plans(planner, 2)).toEqual(['http', 'http']);
  });

  it('asks for a browser check of one in K pages served over HTTP', () => {
    const planner = new FetchModePlanner({ verifyEveryPages: 4 });
    const checks = Array.from({ length: 12 }, () => planner.httpServed());
    expect(checks.map((c, i) => (c ? i + 1 : 0)).filter((n) => n > 0)).toEqual([4, 8, 12]);
  });

  it('goes browser-first at once when a check found different photo lists', () => {
    const planner = new FetchModePlanner({ fallbacksToPreferBrowser: 10 });
    planner.diverged();
    expect(planner.preferred).toBe('browser');
  });

  it('rejects options out of range', () => {
    expect(() => new FetchModePlanner({ fallbacksToPreferBrowser: 0 })).toThrow();
    expect(() => new FetchModePlanner({ verifyEveryPages: -1 })).toThrow();
  });
});

function photo(id: string, url = `https://photos.example/${id}.jpg`): ListingPhoto {
  return {
    photoId: id,
    url,
    widthPx: 1536,
    heightPx: 1024,
    caption: null,
    variants: [{ url: `${url}?w=640`, widthPx: 640, format: 'jpeg' }],
  };
}

describe('photoListDifference', () => {
  it('is null for the same photos in the same order', () => {
    expect(photoListDifference([photo('a'), photo('b')], [photo('a'), photo('b')])).toBeNull();
  });

  it('names the first difference: count, order, URL or sizes', () => {
    expect(photoListDifference([photo('a')], [photo('a'), photo('b')])).toBe('1 photos vs 2');
    expect(photoListDifference([photo('a'), photo('b')], [photo('b'), photo('a')])).toBe('photo 0: id a vs b');
    expect(photoListDifference([photo('a')], [photo('a', 'https://x/a.jpg')])).toMatch(/^photo 0: URL /);
    expect(photoListDifference([photo('a')], [{ ...photo('a'), variants: [] }])).toBe('photo 0: sizes differ');
  });
});
