import { describe, expect, it } from 'vitest';
import { formatApiScaleTable, parseApiScaleArgs, targetMisses, timingOf } from '../../src/bench/api-scale-report.js';
import type { ApiScaleRow } from '../../src/bench/api-scale-report.js';

const measured: ApiScaleRow = {
  size: 50_000,
  job: { medianMs: 41.4, maxMs: 96.6, dbCpuMsPerCall: 12.4 },
  jobFields: { medianMs: 10, maxMs: 20, dbCpuMsPerCall: 1 },
  jobs: { medianMs: 20, maxMs: 30, dbCpuMsPerCall: null },
  failureGroups: { medianMs: 150, maxMs: 300, dbCpuMsPerCall: 80 },
  cancelPendingMs: 190.2,
  cancelListing: { answerMs: 300, cancelled: true, releasedMs: 320, listed: false },
  cancelRunning: { answerMs: 410, cancelled: true },
  releasedMs: 430,
  cancelDbCpuMs: 140,
};

describe('parseApiScaleArgs (bench:api-scale)', () => {
  it('defaults to 500, 5,000 and 50,000 properties, 20 calls, 40 other jobs, 10 finished, 300 s a phase', () => {
    expect(parseApiScaleArgs([])).toEqual({
      sizes: [500, 5_000, 50_000],
      calls: 20,
      otherJobs: 40,
      minFinished: 10,
      phaseLimitMs: 300_000,
    });
  });

  it('sorts the sizes and drops repeats', () => {
    expect(parseApiScaleArgs(['--sizes', '5000,50,5000', '--calls', '3', '--phase-limit-seconds', '60'])).toMatchObject({
      sizes: [50, 5_000],
      calls: 3,
      phaseLimitMs: 60_000,
    });
  });

  it.each([
    [['--sizes', '10,abc'], '--sizes abc'],
    [['--sizes', '0'], '--sizes 0'],
    [['--sizes', '100001'], '--sizes 100001'],
    [['--sizes', '10,'], '--sizes  is not'],
    [['--calls', '1.5'], '--calls 1.5'],
    [['--other-jobs=-1'], '--other-jobs -1'],
    [['--phase-limit-seconds', '0'], '--phase-limit-seconds 0'],
  ])('rejects %j naming the option', (args, named) => {
    expect(() => parseApiScaleArgs(args)).toThrow(named);
  });

  it('rejects an unknown option', () => {
    expect(() => parseApiScaleArgs(['--size', '10'])).toThrow(/size/);
  });
});

describe('timingOf', () => {
  it('gives the nearest-rank median and the maximum', () => {
    expect(timingOf([30, 10, 20, 100])).toEqual({ medianMs: 20, maxMs: 100 });
    expect(timingOf([])).toEqual({ medianMs: Number.NaN, maxMs: Number.NaN });
  });
});

describe('formatApiScaleTable', () => {
  it('prints one Markdown row per size, rounded ms, dashes for what was not measured', () => {
    const stopped: ApiScaleRow = {
      ...measured,
      size: 500,
      job: null,
      jobFields: null,
      jobs: null,
      failureGroups: null,
      cancelListing: { answerMs: 40, cancelled: true, releasedMs: 60, listed: true },
      cancelRunning: null,
      releasedMs: null,
    };
    const lines = formatApiScaleTable([stopped, { ...measured, cancelRunning: { answerMs: 5_012, cancelled: false } }]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^\| properties \| job\(id\) med \/ max \(DB CPU\) \| without properties \| jobs\(first:20\) med \/ max \(DB CPU\) \|/,
    );
    expect(lines[1]).toBe('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    expect(lines[2]).toBe('| 500 | - | - | - | - | 190 | 40 / 60 (listed) | - | - | 140 |');
    expect(lines[3]).toBe(
      '| 50,000 | 41 / 97 (12) | 10 / 20 (1) | 20 / 30 (-) | 150 / 300 (80) | 190 | 300 / 320 | 5012 (not cancelled) | 430 | 140 |',
    );
  });
});

describe('targetMisses', () => {
  it('is empty when every query answers within 100 ms and every cancel within 2 s (failure groups have no target)', () => {
    expect(targetMisses([measured])).toEqual([]);
  });

  it('names each figure over its target, and a running cancel that answered before the job was cancelled', () => {
    const slow: ApiScaleRow = {
      ...measured,
      job: { medianMs: 80, maxMs: 101, dbCpuMsPerCall: 10 },
      cancelPendingMs: 2_001,
      cancelListing: { answerMs: 5_000, cancelled: false, releasedMs: 30_000, listed: false },
      cancelRunning: { answerMs: 1_000, cancelled: false },
    };
    expect(targetMisses([slow])).toEqual([
      '50,000 properties: job(id) median 80 ms, max 101 ms (target 100 ms)',
      '50,000 properties: cancel pending 2001 ms (target 2000 ms)',
      '50,000 properties: cancel listing not measured or not cancelled in its answer',
      '50,000 properties: cancel running not measured or not cancelled in its answer',
    ]);
  });
});
