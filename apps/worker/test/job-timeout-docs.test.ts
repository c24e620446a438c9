import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT, loadWorkerConfig } from '../src/config.js';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27027/' };
const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');

describe('JOB_TIMEOUT as documented', () => {
  it("says the setting's default, range and meaning (no progress, not the run's wall time) as the worker reads it", () => {
    const row = readme.split('\n').find((line) => line.startsWith('| `JOB_TIMEOUT`')) ?? '';
    expect(row).toContain('`3600` seconds (1-604800)');
    expect(loadWorkerConfig(base).jobTimeoutMs).toBe(3_600_000);
    expect(loadWorkerConfig({ ...base, JOB_TIMEOUT: '604800' }).jobTimeoutMs).toBe(604_800_000);
    expect(() => loadWorkerConfig({ ...base, JOB_TIMEOUT: '604801' })).toThrow(/JOB_TIMEOUT/);
    expect(row).toMatch(/\*\*without progress\*\*/);
    expect(row).toMatch(/never stopped by it, whatever the job's size/);
    // The message a stuck run ends with, as the worker writes it, and the job's own limit beside it.
    expect(row).toContain('stopped by JOB_TIMEOUT: no property finished for 3600 s since the last one finished');
    expect(row).toMatch(/`timeoutSeconds`, `phx-extract --timeout`/);
  });

  it("names the change from the seed's one-hour job_timeout in the configuration section", () => {
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('| variable | default | used by |'));
    expect(section).toContain('`job_timeout = 3600  # 1 hour`');
    expect(section).toMatch(/`JOB_TIMEOUT` \(same default, 3600 s\) is the longest a run may go\s+without finishing a property/);
  });
});
