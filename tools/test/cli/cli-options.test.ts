import { CommanderError } from 'commander';
import { InvalidInputError } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/cli-options.js';

const defaults = { csvPath: '/d/props.csv', fixturesDir: '/d/fixtures', writeErr: () => undefined };
const JOB = '3f1b7c4e-8a2d-4e6f-9b0a-1c2d3e4f5a6b';

describe('parseCliArgs', () => {
  it('reads an in-process extraction of every property', () => {
    expect(parseCliArgs(['--all', '--replay'], defaults)).toEqual({
      kind: 'extract',
      mode: 'in-process',
      selection: { ids: [], addresses: [], urls: [], label: null, all: true, importCsv: null },
      sources: ['zillow', 'redfin'],
      isolationMode: 'virtual',
      fetchMode: null,
      dryRun: false,
      timeoutMs: null,
      wait: false,
      replayFixturesDir: '/d/fixtures',
      retireContextAfterPages: 100,
      json: false,
    });
  });

  it('reads --retire-context-after for in-process runs: pages, 0 for never', () => {
    expect(parseCliArgs(['--all', '--retire-context-after', '25'], defaults)).toMatchObject({ retireContextAfterPages: 25 });
    expect(parseCliArgs(['--all', '--retire-context-after', '0'], defaults)).toMatchObject({ retireContextAfterPages: null });
    expect(() => parseCliArgs(['--all', '--retire-context-after', 'ten'], defaults)).toThrow(
      /--retire-context-after: must be a whole number of pages from 0 \(never\) to 100000; got "ten"/,
    );
    expect(() => parseCliArgs(['--all', '--async', '--retire-context-after', '25'], defaults)).toThrow(
      /--retire-context-after: applies to in-process runs; a worker is set with RETIRE_CONTEXT_AFTER_PAGES/,
    );
  });

  it('reads the seed flags for an async extraction', () => {
    const r = parseCliArgs(
      [
        '--address',
        '1 Main St, Town, AZ 85001',
        '--address',
        '2 Oak Ave',
        '--sources',
        'Redfin',
        '--dry-run',
        '--async',
        '--wait',
        '--isolation',
        'context',
      ],
      defaults,
    );
    expect(r).toMatchObject({
      kind: 'extract',
      mode: 'async',
      selection: { addresses: ['1 Main St, Town, AZ 85001', '2 Oak Ave'], all: false, importCsv: null },
      sources: ['redfin'],
      dryRun: true,
      wait: true,
      isolationMode: 'context',
      replayFixturesDir: null,
    });
  });

  it('reads --job-id with --wait', () => {
    expect(parseCliArgs(['--job-id', JOB, '--wait'], defaults)).toEqual({ kind: 'status', jobId: JOB, wait: true, json: false });
  });

  it('reads --json for a status, a cancel and an extraction (stdout then carries JSON lines only)', () => {
    expect(parseCliArgs(['--job-id', JOB, '--wait', '--json'], defaults)).toEqual({ kind: 'status', jobId: JOB, wait: true, json: true });
    expect(parseCliArgs(['--json', '--job-id', JOB, '--cancel'], defaults)).toEqual({ kind: 'cancel', jobId: JOB, json: true });
    expect(parseCliArgs(['--all', '--json'], defaults)).toMatchObject({ kind: 'extract', json: true });
    expect(parseCliArgs(['--all'], defaults)).toMatchObject({ kind: 'extract', json: false });
  });

  it('reads --job-id with --cancel, and refuses --cancel without a job id or with --wait', () => {
    expect(parseCliArgs(['--job-id', JOB, '--cancel'], defaults)).toEqual({ kind: 'cancel', jobId: JOB, json: false });
    expect(() => parseCliArgs(['--cancel'], defaults)).toThrow(/needs --job-id/);
    expect(() => parseCliArgs(['--job-id', JOB, '--cancel', '--wait'], defaults)).toThrow(/cannot be combined with --cancel/);
  });

  it('refuses extraction flags beside --job-id, before or after it, naming each (they would be ignored)', () => {
    expect(() => parseCliArgs(['--job-id', JOB, '--replay', '--dry-run', '--retire-context-after', '5'], defaults)).toThrow(
      'Invalid flags: --job-id: cannot be combined with --dry-run, --replay, --retire-context-after (they apply to a new extraction)',
    );
    expect(() => parseCliArgs(['--sources', 'zillow', '--job-id', JOB, '--wait'], defaults)).toThrow(/cannot be combined with --sources/);
    expect(() => parseCliArgs(['--job-id', JOB, '--csv', 'x.csv', '--cancel'], defaults)).toThrow(/cannot be combined with --csv/);
  });

  it('names an unknown source', () => {
    expect(() => parseCliArgs(['--all', '--sources', 'zillow,trulia'], defaults)).toThrow(/unknown source "trulia"/);
  });

  it('rejects a malformed job id', () => {
    expect(() => parseCliArgs(['--job-id', 'nope'], defaults)).toThrow(InvalidInputError);
  });

  it('lists every conflicting flag', () => {
    try {
      parseCliArgs(['--replay', '--async', '--wait'], defaults);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['--address', '--replay']);
    }
  });

  it('refuses --fixtures without --replay rather than silently reading the live sites', () => {
    expect(() => parseCliArgs(['--all', '--fixtures', '/elsewhere'], defaults)).toThrow(/--fixtures: applies with --replay/);
    expect(parseCliArgs(['--all', '--replay', '--fixtures', '/elsewhere'], defaults)).toMatchObject({ replayFixturesDir: '/elsewhere' });
  });

  it('reads --fetch-mode auto, http or browser for in-process and --async runs; absent: null (the default of the worker)', () => {
    for (const mode of ['auto', 'http', 'browser'] as const) {
      expect(parseCliArgs(['--all', '--fetch-mode', mode], defaults)).toMatchObject({ mode: 'in-process', fetchMode: mode });
      expect(parseCliArgs(['--all', '--async', '--fetch-mode', mode], defaults)).toMatchObject({ mode: 'async', fetchMode: mode });
    }
    expect(parseCliArgs(['--all', '--async'], defaults)).toMatchObject({ fetchMode: null });
  });

  it("reads --timeout <seconds> (the job's own time limit) for in-process and --async runs, in ms; absent: null", () => {
    expect(parseCliArgs(['--all', '--timeout', '7200'], defaults)).toMatchObject({ mode: 'in-process', timeoutMs: 7_200_000 });
    expect(parseCliArgs(['--all', '--async', '--timeout', '2592000'], defaults)).toMatchObject({ mode: 'async', timeoutMs: 2_592_000_000 });
    expect(parseCliArgs(['--all', '--async'], defaults)).toMatchObject({ timeoutMs: null });
  });

  it.each([
    ['0', '0'],
    ['2592001', '2592001'],
    ['1.5', '"1.5"'],
    ['ten', '"ten"'],
  ])('rejects --timeout %s naming the flag, the value and the range', (value, shown) => {
    const error = (() => {
      try {
        return parseCliArgs(['--all', '--async', '--timeout', value], defaults);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      { path: '--timeout', message: `${shown} is not a whole number of seconds from 1 to 2592000 (1 s to 30 days)` },
    ]);
  });

  it('rejects an unknown fetch mode through commander, naming the flag, the value and the choices', () => {
    let error: unknown = null;
    try {
      parseCliArgs(['--all', '--fetch-mode', 'fast'], defaults);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe('commander.invalidArgument');
    expect((error as Error).message).toMatch(/--fetch-mode <mode>.*'fast' is invalid.*auto, http, browser/);
  });

  it('rejects an unknown isolation mode through commander', () => {
    expect(() => parseCliArgs(['--all', '--isolation', 'sandbox'], defaults)).toThrow(/sandbox/);
  });
});
