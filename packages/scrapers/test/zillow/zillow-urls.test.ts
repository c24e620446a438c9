import { describe, expect, it } from 'vitest';
import { UnsupportedUrlError } from '../../src/errors/index.js';
import { isZillowListingPhotoUrl, parseZillowListingUrl, parseZillowPhotoUrl } from '../../src/zillow/index.js';

describe('Zillow URLs', () => {
  it('takes photo URLs apart with the width each size suffix stands for', () => {
    const key = '0908196da96088046519d08b7d069684';
    const base = `https://photos.zillowstatic.com/fp/${key}`;
    expect(parseZillowPhotoUrl(`${base}-cc_ft_768.webp`)).toEqual({ key, variant: 'cc_ft_768', widthPx: 768, format: 'webp' });
    expect(parseZillowPhotoUrl(`${base}-uncropped_scaled_within_1344_1008.jpg`)?.widthPx).toBe(1344);
    expect(parseZillowPhotoUrl(`${base}-o_a.jpg`)?.widthPx).toBe(1024);
    expect(parseZillowPhotoUrl(`${base}-d_d.jpg`)?.widthPx).toBe(800);
    expect(parseZillowPhotoUrl('https://www.zillowstatic.com/fp/x.jpg')).toBeNull();
    expect(parseZillowPhotoUrl('not a url')).toBeNull();
  });

  it('tells listing photos from headshots and logos on the same path', () => {
    const base = 'https://photos.zillowstatic.com/fp/f6d938e7ba070e360124972ca1b833bc';
    expect(isZillowListingPhotoUrl(`${base}-cc_ft_384.jpg`)).toBe(true);
    expect(isZillowListingPhotoUrl(`${base}-h_n.jpg`)).toBe(false);
    expect(isZillowListingPhotoUrl(`${base}-h_g.jpg`)).toBe(false);
    expect(isZillowListingPhotoUrl(`${base}-zillow_web_95_35.jpg`)).toBe(false);
  });

  it('accepts https home details URLs and rejects the rest with UnsupportedUrlError', () => {
    expect(parseZillowListingUrl('https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/')).toEqual({
      zpid: '29423592',
    });
    for (const bad of [
      'http://www.zillow.com/homedetails/x/1_zpid/',
      'https://www.zillow.com/homes/85001_rb/',
      'https://www.redfin.com/AZ/Phoenix/x/home/1',
      'nonsense',
    ]) {
      expect(() => parseZillowListingUrl(bad)).toThrow(UnsupportedUrlError);
    }
  });
});
