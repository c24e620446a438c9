import { describe, expect, it } from 'vitest';
import type { ExtractionFailure, PropertyOutcome } from '@phx/core';
import { chooseRetryStep, requestedWaitMs } from '../../src/worker/retry-step.js';
import { sampleOutcome, sampleProperty } from '../support/sample-jobs.js';

const NOW = new Date('2026-12-06T12:00:00.000Z');
const page = (retryAfterMs?: number): ExtractionFailure => ({
  source: 'zillow',
  url: 'https://www.zillow.com/homedetails/1_zpid/',
  code: 'NAVIGATION_FAILED',
  message: 'HTTP 429',
  kind: 'transient',
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
const failed = (...failures: ExtractionFailure[]): PropertyOutcome => ({ ...sampleOutcome(sampleProperty(1), 'failed'), failures });

describe('chooseRetryStep: the delay before the next attempt at a property', () => {
  it('takes the backoff delay when no source asked for a wait', () => {
    expect(chooseRetryStep(failed(page()), 1_000, 10_000, NOW)).toEqual({ kind: 'wait', delayMs: 1_000 });
  });

  it('waits no less than the Retry-After a source asked for, up to the longest wait of the job', () => {
    expect(chooseRetryStep(failed(page(3_000)), 1_000, 10_000, NOW)).toEqual({ kind: 'wait', delayMs: 3_000 });
    expect(chooseRetryStep(failed(page(10_000)), 1_000, 10_000, NOW)).toEqual({ kind: 'wait', delayMs: 10_000 });
    // A backoff already longer than the asked wait stays.
    expect(chooseRetryStep(failed(page(500)), 1_000, 10_000, NOW)).toEqual({ kind: 'wait', delayMs: 1_000 });
  });

  it('defers a property whose source asked for longer than the job may wait, to now plus the asked wait', () => {
    expect(chooseRetryStep(failed(page(600_000)), 1_000, 10_000, NOW)).toEqual({
      kind: 'defer',
      retryAt: new Date(NOW.getTime() + 600_000),
    });
    expect(chooseRetryStep(failed(page(10_001)), 30_000, 10_000, NOW)).toEqual({
      kind: 'defer',
      retryAt: new Date(NOW.getTime() + 10_001),
    });
  });

  it('goes by the longest wait asked when several failures ask', () => {
    const outcome = failed(page(2_000), page(), page(600_000));
    expect(requestedWaitMs(outcome)).toBe(600_000);
    expect(chooseRetryStep(outcome, 1_000, 900_000, NOW)).toEqual({ kind: 'wait', delayMs: 600_000 });
    expect(requestedWaitMs(failed(page()))).toBeNull();
  });
});
