import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS } from '@phx/core';
import { chooseProgressMode, progressEvent } from '../../src/cli/progress-display.js';

describe('chooseProgressMode', () => {
  it('draws on a terminal that can redraw; plain lines in a pipe, in CI or on TERM=dumb; JSON when asked, whatever the terminal', () => {
    expect(chooseProgressMode({ json: false, isTty: true, plainTerminal: false })).toBe('tty');
    expect(chooseProgressMode({ json: false, isTty: false, plainTerminal: false })).toBe('plain');
    expect(chooseProgressMode({ json: false, isTty: true, plainTerminal: true })).toBe('plain');
    expect(chooseProgressMode({ json: true, isTty: true, plainTerminal: false })).toBe('json');
    expect(chooseProgressMode({ json: true, isTty: false, plainTerminal: true })).toBe('json');
  });
});

describe('progressEvent (--json)', () => {
  it('carries the counters, properties done (failed ones included) and photos seen (unchanged included)', () => {
    const counters = {
      ...ZERO_COUNTERS,
      totalProperties: 4,
      completedProperties: 1,
      failedProperties: 1,
      unchangedImages: 9,
      totalImages: 2,
    };
    const inFlight = [{ propertyId: 'a', address: 'A St' }];
    expect(progressEvent({ ...counters, jobId: 'j', status: 'in_progress', inFlight, elapsedMs: 1500 })).toEqual({
      type: 'progress',
      jobId: 'j',
      status: 'in_progress',
      elapsedMs: 1500,
      propertiesDone: 2,
      photos: 11,
      counters,
      inFlight,
    });
  });
});
