import { describe, expect, it } from 'vitest';
import { BotWallError } from '../../src/errors/index.js';

describe('BotWallError message', () => {
  it('names the vendor with the right article', () => {
    const wall = (vendor: 'perimeterx' | 'aws-waf' | 'unknown'): string =>
      new BotWallError('https://www.redfin.com/x', 'redfin', { vendor, status: 403, markers: ['m'] }).message;
    expect(wall('perimeterx')).toContain('with a perimeterx bot wall (HTTP 403; saw m)');
    expect(wall('aws-waf')).toContain('with an aws-waf bot wall');
    expect(wall('unknown')).toContain('with an unknown bot wall');
  });
});
