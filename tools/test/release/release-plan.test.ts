import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import getReleasePlan from '@changesets/get-release-plan';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '../../src/db/workspace-paths.js';

const run = promisify(execFile);
const root = findWorkspaceRoot();
/** The packages meant for a registry; every other workspace package is private. */
const PUBLISHED = Object.freeze({ '@phx/core': 'packages/core', '@phx/scrapers': 'packages/scrapers' });

describe('the release flow (changesets), as a dry run', () => {
  it('plans a release from the pending changesets that versions only the published packages', async () => {
    const plan = await getReleasePlan(root);
    const versioned = plan.releases.filter((release) => release.type !== 'none');
    expect(versioned.map((release) => release.name).filter((name) => !(name in PUBLISHED))).toEqual([]);
    for (const changeset of plan.changesets) {
      expect(changeset.summary.trim(), changeset.id).not.toBe('');
      expect(
        changeset.releases.map((release) => release.name).filter((name) => !(name in PUBLISHED)),
        changeset.id,
      ).toEqual([]);
    }
    for (const release of versioned) expect(release.newVersion, release.name).not.toBe(release.oldVersion);
  });

  it('gives each published package a changelog, and reports the plan offline with `changeset status`', async () => {
    for (const [name, dir] of Object.entries(PUBLISHED)) {
      expect(readFileSync(join(root, dir, 'CHANGELOG.md'), 'utf8'), name).toMatch(new RegExp(`^# ${name}\\n`));
    }
    expect(existsSync(join(root, '.changeset', 'config.json'))).toBe(true);
    const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'status', '--since=HEAD'], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    expect(stdout + stderr).toMatch(/packages to be bumped at patch/);
  });
});
