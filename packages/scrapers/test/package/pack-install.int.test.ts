import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from '../support/fixtures.js';

const run = promisify(execFile);
const FORBIDDEN = /^(mongodb|mongoose|agenda|@agendajs\/.*|graphql(-.*)?|@apollo\/.*|type-graphql|@phx\/(jobs|worker|graphql|tools))$/;
const packages = { core: path.join(repoRoot, 'packages/core'), scrapers: path.join(repoRoot, 'packages/scrapers') };
const playwrightVersion = (
  JSON.parse(readFileSync(path.join(repoRoot, 'node_modules/playwright-core/package.json'), 'utf8')) as { version: string }
).version;

let dir: string;
let project: string;
const log: string[] = [];

/** The first ```ts block after "## Example" in the scrapers README, pointed at the shared fixtures. */
function readmeExample(): string {
  const readme = readFileSync(path.join(packages.scrapers, 'README.md'), 'utf8');
  const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (block === undefined) throw new Error('the scrapers README has no ```ts example under "## Example"');
  return block.replace("'../shared/fixtures'", JSON.stringify(fixturesDir));
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'phx-pack-'));
  project = path.join(dir, 'project');
  mkdirSync(project);
  for (const pkgDir of Object.values(packages)) {
    const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json'], { cwd: pkgDir });
    log.push(
      `npm pack ${path.basename(pkgDir)}: ${(JSON.parse(stdout) as { filename: string; entryCount: number }[]).map((p) => `${p.filename} (${p.entryCount} files)`).join(', ')}`,
    );
  }
  const tarballs = readdirSync(dir)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => path.join(dir, f));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'phx-pack-check', private: true, type: 'module' }, null, 2));
  const install = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, `playwright-core@${playwrightVersion}`],
    { cwd: project, maxBuffer: 16 * 1024 * 1024 },
  );
  log.push(`npm install (outside the workspace, ${project}): ${install.stdout.trim()}`);
}, 600_000);

afterAll(() => {
  process.stdout.write(`${log.join('\n')}\n`);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('publishable packages', () => {
  it('pass publint', async () => {
    for (const [name, pkgDir] of Object.entries(packages)) {
      const { messages } = await publint({ pkgDir, level: 'suggestion', pack: 'npm' });
      log.push(`publint ${name}: ${messages.length === 0 ? 'all good' : messages.map((m) => `${m.type} ${m.code}`).join(', ')}`);
      expect(
        messages.filter((m) => m.type !== 'suggestion'),
        name,
      ).toEqual([]);
    }
  });

  it('install from their tarballs into an empty project, with Playwright as a peer and no MongoDB, Agenda or GraphQL in the tree', async () => {
    const { stdout } = await run('npm', ['ls', '--all', '--json'], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
    const names = new Set<string>();
    const walk = (deps: Record<string, { dependencies?: Record<string, unknown> }> | undefined): void => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        names.add(name);
        walk(node.dependencies as Record<string, { dependencies?: Record<string, unknown> }> | undefined);
      }
    };
    walk((JSON.parse(stdout) as { dependencies?: Record<string, { dependencies?: Record<string, unknown> }> }).dependencies);
    log.push(`installed tree: ${names.size} packages`);
    expect(names).toContain('@phx/core');
    expect(names).toContain('@phx/scrapers');
    expect([...names].filter((n) => FORBIDDEN.test(n))).toEqual([]);
    const scrapersPkg = JSON.parse(readFileSync(path.join(project, 'node_modules/@phx/scrapers/package.json'), 'utf8')) as {
      peerDependencies?: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(scrapersPkg.peerDependencies ?? {})).toContain('playwright-core');
    expect(Object.keys(scrapersPkg.dependencies ?? {})).not.toContain('playwright-core');
  });

  it('carry their LICENSE, repository, homepage and bugs fields, and source maps whose every source is in the package', () => {
    for (const name of ['core', 'scrapers']) {
      const installed = path.join(project, 'node_modules/@phx', name);
      const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg, name).toMatchObject({
        license: 'MIT',
        repository: { type: 'git', directory: `packages/${name}` },
        homepage: expect.stringMatching(/^https:\/\//) as unknown,
        bugs: { url: expect.stringMatching(/^https:\/\//) as unknown },
      });
      expect(readFileSync(path.join(installed, 'LICENSE'), 'utf8'), name).toMatch(/^MIT License/);
      const maps = readdirSync(path.join(installed, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.map'));
      const missing: string[] = [];
      for (const file of maps) {
        const mapPath = path.join(installed, 'dist', file);
        const map = JSON.parse(readFileSync(mapPath, 'utf8')) as { sourceRoot?: string; sources: string[] };
        for (const source of map.sources) {
          const resolved = path.resolve(path.dirname(mapPath), map.sourceRoot ?? '', source);
          if (!resolved.startsWith(installed + path.sep) || !existsSync(resolved)) missing.push(`${file} -> ${source}`);
        }
      }
      log.push(`${name}: ${maps.length} source maps, ${missing.length} unresolved sources`);
      expect(maps.length, name).toBeGreaterThan(0);
      expect(missing, name).toEqual([]);
    }
  });

  it('export the curated API at the root and the parts phx uses itself under ./internal', async () => {
    const script = [
      "const root = await import('@phx/scrapers');",
      "const internal = await import('@phx/scrapers/internal');",
      'console.log(JSON.stringify({ root: Object.keys(root), internal: Object.keys(internal) }));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: project });
    const { root, internal } = JSON.parse(stdout) as { root: string[]; internal: string[] };
    log.push(`root values: ${root.length}; ./internal values: ${internal.length} (${internal.join(', ')})`);
    expect(root).toEqual(
      expect.arrayContaining([
        'createScraperKit',
        'ZillowScraper',
        'RedfinScraper',
        'BrowserPool',
        'HttpPhotoFetcher',
        'PolitePhotoFetcher',
        'ScraperError',
        'BotWallError',
      ]),
    );
    expect(root).not.toContain('parseZillowListingPage');
    expect(root).not.toContain('installReplayRoutes');
    expect(internal).toEqual(expect.arrayContaining(['installReplayRoutes', 'REPLAY_POLITENESS_OPTIONS', 'runRecordCommand']));
    expect(internal.filter((name) => root.includes(name))).toEqual([]);
  });

  it('run the README example there, against the replayed pages', async () => {
    writeFileSync(path.join(project, 'example.mjs'), readmeExample());
    const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: project, timeout: 240_000, env });
    const plain = stdout.replace(/\u001b\[[0-9;]*m/g, '').trim();
    log.push(`node example.mjs:\n${plain}`);
    const [first = '', second = ''] = plain.split('\n');
    expect(first).toMatch(/^38 __NEXT_DATA__/);
    expect(second).toMatch(/^[0-9a-f]{32} image\/jpeg \d+ "/);
  });
});
