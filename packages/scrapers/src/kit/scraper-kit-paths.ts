import { readFile, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import type { InputIssue } from '@phx/core';
import { chromiumPathIssue } from '../browser/chromium-launch.js';
import type { ScraperKitMode } from './scraper-kit-options.js';

/** Sub-folders a shared fixtures folder must have. */
const FIXTURE_FOLDERS = ['listings/zillow', 'listings/redfin', 'house-photos'] as const;

async function statOf(file: string): Promise<Stats | null> {
  return stat(file).catch(() => null);
}

async function fixturesDirIssue(dir: string): Promise<string | null> {
  const folder = await statOf(dir);
  if (folder === null) return `"${dir}" does not exist`;
  if (!folder.isDirectory()) return `"${dir}" is a file, not a folder`;
  const missing: string[] = [];
  for (const sub of FIXTURE_FOLDERS) {
    if (!(await statOf(path.join(dir, sub)))?.isDirectory()) missing.push(sub);
  }
  if (missing.length > 0) return `"${dir}" is not the shared fixtures folder: it has no ${missing.join(', ')} (e.g. ../shared/fixtures)`;
  let pages = 0;
  for (const site of ['zillow', 'redfin']) {
    const names = await readdir(path.join(dir, 'listings', site)).catch(() => []);
    pages += names.filter((n) => n.startsWith(`${site}-hdp-`) && n.endsWith('.html')).length;
  }
  return pages > 0 ? null : `"${dir}" holds no saved listing page (listings/zillow/zillow-hdp-*.html, listings/redfin/redfin-hdp-*.html)`;
}

async function harContentIssue(harPath: string): Promise<string | null> {
  let har: unknown;
  try {
    har = JSON.parse(await readFile(harPath, 'utf8'));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `"${harPath}" is not a HAR file (not JSON: ${detail}); record one with phx-record --har <file> <url>`;
  }
  const log = typeof har === 'object' && har !== null ? (har as { log?: unknown }).log : undefined;
  const entries = typeof log === 'object' && log !== null ? (log as { entries?: unknown }).entries : undefined;
  return Array.isArray(entries)
    ? null
    : `"${harPath}" is not a HAR file: it is JSON without log.entries; record one with phx-record --har <file> <url>`;
}

async function harIssue(mode: ScraperKitMode): Promise<string | null> {
  if (mode.kind === 'har') {
    const found = await statOf(mode.harPath);
    if (found === null) return `"${mode.harPath}" does not exist; record one first (phx-record --har <file> <url>)`;
    return found.isDirectory() ? `"${mode.harPath}" is a folder, not a HAR file` : harContentIssue(mode.harPath);
  }
  if (mode.kind === 'record') {
    if ((await statOf(mode.harPath))?.isDirectory()) {
      return `"${mode.harPath}" is a folder; give the HAR file to write, e.g. ${path.join(mode.harPath, 'session.har')}`;
    }
    const folder = path.dirname(path.resolve(mode.harPath));
    return (await statOf(folder))?.isDirectory() ? null : `the folder "${path.dirname(mode.harPath)}" of the HAR file does not exist`;
  }
  return null;
}

/**
 * Checks the files and folders a scraper kit will need, before anything is
 * launched: the fixtures folder (replay), the HAR file (which must parse as
 * a HAR: JSON with `log.entries`; or its folder when recording) and the
 * Chromium executable (unless the kit never launches it: `chromiumPath` `null`).
 *
 * @param mode - the kit's mode
 * @param chromiumPath - the Chromium executable the kit will launch, or `null` when it launches none (fetch mode `http`)
 * @returns one issue per bad path (`mode.fixturesDir`, `mode.harPath`, `chromiumPath`), naming the path and what is wrong; empty when all is well
 */
export async function checkScraperKitPaths(mode: ScraperKitMode, chromiumPath: string | null): Promise<InputIssue[]> {
  const checks: [string, Promise<string | null>][] = [
    ['mode.fixturesDir', mode.kind === 'replay' ? fixturesDirIssue(mode.fixturesDir) : Promise.resolve(null)],
    ['mode.harPath', harIssue(mode)],
    ['chromiumPath', chromiumPath === null ? Promise.resolve(null) : chromiumPathIssue(chromiumPath)],
  ];
  const issues: InputIssue[] = [];
  for (const [at, check] of checks) {
    const message = await check;
    if (message !== null) issues.push({ path: at, message });
  }
  return issues;
}
