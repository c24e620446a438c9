import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvalidInputError } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPhotoFetcher, PolitePhotoFetcher } from '../../src/download/index.js';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKitOptions } from '../../src/kit/index.js';
import { HostRateLimiter, SourceGuard, resolvePolitenessOptions } from '../../src/politeness/index.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'phx-kit-inputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The issues of the InvalidInputError `work` rejects with (fails the test on anything else). */
async function issuesOf(work: Promise<unknown>): Promise<readonly { path: string; message: string }[]> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidInputError);
  return (err as InvalidInputError).issues;
}

function issuesOfSync(work: () => unknown): readonly { path: string; message: string }[] {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).issues;
  }
  throw new Error('expected InvalidInputError');
}

describe('createScraperKit paths', () => {
  it('names an empty fixtures folder and what it lacks', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    expect(await issuesOf(createScraperKit({ mode: { kind: 'replay', fixturesDir: empty } }))).toEqual([
      {
        path: 'mode.fixturesDir',
        message: `"${empty}" is not the shared fixtures folder: it has no listings/zillow, listings/redfin, house-photos (e.g. ../shared/fixtures)`,
      },
    ]);
  });

  it('names a fixtures folder with no saved listing page, and a file given as the folder', async () => {
    const bare = path.join(dir, 'bare');
    for (const sub of ['listings/zillow', 'listings/redfin', 'house-photos']) await mkdir(path.join(bare, sub), { recursive: true });
    expect(await issuesOf(createScraperKit({ mode: { kind: 'replay', fixturesDir: bare } }))).toEqual([
      {
        path: 'mode.fixturesDir',
        message: `"${bare}" holds no saved listing page (listings/zillow/zillow-hdp-*.html, listings/redfin/redfin-hdp-*.html)`,
      },
    ]);
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    expect(await issuesOf(createScraperKit({ mode: { kind: 'replay', fixturesDir: file } }))).toEqual([
      { path: 'mode.fixturesDir', message: `"${file}" is a file, not a folder` },
    ]);
  });

  it('names a chromiumPath that is missing, not executable, or a folder', async () => {
    const plain = path.join(dir, 'chromium-not-executable');
    await writeFile(plain, '#!/bin/sh\n');
    await chmod(plain, 0o644);
    const cases: [string, string][] = [
      [path.join(dir, 'no-such-chromium'), 'does not exist; install Chromium (apt-get install chromium) or give its path'],
      [plain, 'is not executable'],
      [dir, 'is a folder, not the Chromium executable'],
    ];
    for (const [chromiumPath, what] of cases) {
      expect(await issuesOf(createScraperKit({ mode: { kind: 'live' }, chromiumPath }))).toEqual([
        { path: 'chromiumPath', message: `"${chromiumPath}" ${what}` },
      ]);
    }
  });

  it('names a missing HAR file to replay, and a HAR to record into a missing folder', async () => {
    const missing = path.join(dir, 'nothing.har');
    expect(await issuesOf(createScraperKit({ mode: { kind: 'har', harPath: missing } }))).toEqual([
      { path: 'mode.harPath', message: `"${missing}" does not exist; record one first (phx-record --har <file> <url>)` },
    ]);
    expect(await issuesOf(createScraperKit({ mode: { kind: 'har', harPath: dir } }))).toEqual([
      { path: 'mode.harPath', message: `"${dir}" is a folder, not a HAR file` },
    ]);
    const nowhere = path.join(dir, 'no-such-folder', 'out.har');
    expect(await issuesOf(createScraperKit({ mode: { kind: 'record', harPath: nowhere } }))).toEqual([
      { path: 'mode.harPath', message: `the folder "${path.dirname(nowhere)}" of the HAR file does not exist` },
    ]);
  });

  it('names a HAR to replay that is not JSON, or JSON without log.entries, before anything starts', async () => {
    const text = path.join(dir, 'passwd.har');
    await writeFile(text, 'root:x:0:0:root:/root:/bin/bash\n');
    const [notJson] = await issuesOf(createScraperKit({ mode: { kind: 'har', harPath: text } }));
    expect(notJson?.path).toBe('mode.harPath');
    expect(notJson?.message).toMatch(
      new RegExp(`^"${text}" is not a HAR file \\(not JSON: .+\\); record one with phx-record --har <file> <url>$`),
    );
    const json = path.join(dir, 'package.har');
    await writeFile(json, JSON.stringify({ name: 'not-a-har', log: { pages: [] } }));
    expect(await issuesOf(createScraperKit({ mode: { kind: 'har', harPath: json } }))).toEqual([
      {
        path: 'mode.harPath',
        message: `"${json}" is not a HAR file: it is JSON without log.entries; record one with phx-record --har <file> <url>`,
      },
    ]);
  });

  it('lists every bad path at once', async () => {
    const missing = path.join(dir, 'nothing.har');
    const options: ScraperKitOptions = { mode: { kind: 'har', harPath: missing }, chromiumPath: path.join(dir, 'no-chromium') };
    expect((await issuesOf(createScraperKit(options))).map((i) => i.path)).toEqual(['mode.harPath', 'chromiumPath']);
  });
});

describe('politeness combinations', () => {
  it('rejects initialBackoffMs above maxBackoffMs, naming both fields, also against the defaults', async () => {
    const both = await issuesOf(createScraperKit({ mode: { kind: 'live' }, politeness: { initialBackoffMs: 5_000, maxBackoffMs: 1_000 } }));
    expect(both).toEqual([
      { path: 'politeness.initialBackoffMs', message: 'must not exceed politeness.maxBackoffMs (5000 > 1000)' },
      { path: 'politeness.maxBackoffMs', message: 'must be at least politeness.initialBackoffMs (1000 < 5000)' },
    ]);
    // Only maxBackoffMs set: below the live default initialBackoffMs (1 000).
    const onlyMax = await issuesOf(createScraperKit({ mode: { kind: 'live' }, politeness: { maxBackoffMs: 500 } }));
    expect(onlyMax).toEqual([
      { path: 'politeness.initialBackoffMs', message: 'must not exceed politeness.maxBackoffMs (1000 > 500)' },
      { path: 'politeness.maxBackoffMs', message: 'must be at least politeness.initialBackoffMs (500 < 1000)' },
    ]);
    expect(
      issuesOfSync(() => new PolitePhotoFetcher({ fetcher: new HttpPhotoFetcher(), politeness: { maxBackoffMs: 10 } })).map((i) => i.path),
    ).toEqual(['politeness.initialBackoffMs', 'politeness.maxBackoffMs']);
    expect(issuesOfSync(() => resolvePolitenessOptions({ initialBackoffMs: 2_000, maxBackoffMs: 1_999 })).map((i) => i.path)).toEqual([
      'politeness.initialBackoffMs',
      'politeness.maxBackoffMs',
    ]);
  });

  it('rejects negative and zero rates, zero concurrency and negative counts, each by name', async () => {
    const issues = await issuesOf(
      createScraperKit({
        mode: { kind: 'live' },
        politeness: {
          pageRequestsPerSecond: -1,
          photoRequestsPerSecond: 0,
          jitterMs: -5,
          pageConcurrency: 0,
          photoConcurrency: 0,
          maxRetries: -1,
          blocksToOpenCircuit: 0,
        },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      'politeness.pageRequestsPerSecond',
      'politeness.photoRequestsPerSecond',
      'politeness.jitterMs',
      'politeness.pageConcurrency',
      'politeness.photoConcurrency',
      'politeness.maxRetries',
      'politeness.blocksToOpenCircuit',
    ]);
  });

  it('SourceGuard and HostRateLimiter check their options too', () => {
    const guardIssues = issuesOfSync(
      () =>
        new SourceGuard({
          source: 'zillow',
          concurrency: 0,
          maxRetries: -1,
          initialBackoffMs: 10_000,
          maxBackoffMs: 1_000,
          jitterMs: 0,
          blocksToOpenCircuit: 0,
          circuitOpenMs: 1_000,
        }),
    );
    expect(guardIssues.map((i) => i.path)).toEqual([
      'concurrency',
      'maxRetries',
      'blocksToOpenCircuit',
      'initialBackoffMs',
      'maxBackoffMs',
    ]);
    expect(issuesOfSync(() => new HostRateLimiter({ requestsPerSecond: -2, jitterMs: -1 })).map((i) => i.path)).toEqual([
      'requestsPerSecond',
      'jitterMs',
    ]);
  });
});
