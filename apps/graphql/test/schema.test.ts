import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FETCH_MODES, ISOLATION_MODES, JOB_STATUSES, PAGE_FETCH_MODES } from '@phx/core';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { FetchModeEnum } from '../src/job/fetch-mode.enum.js';
import { IsolationModeEnum } from '../src/job/isolation-mode.enum.js';
import { JobStatusEnum } from '../src/job/job-status.enum.js';
import { PageFetchModeEnum } from '../src/job/page-fetch-mode.enum.js';
import { buildGraphqlSchema } from '../src/schema.js';

const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

describe('the GraphQL schema', () => {
  it('matches the checked-in schema.graphql (PHX_UPDATE_SCHEMA=1 rewrites it after a deliberate change)', async () => {
    const sdl = `${printSchema(buildGraphqlSchema())}\n`;
    if (process.env['PHX_UPDATE_SCHEMA'] === '1') await writeFile(SCHEMA_FILE, sdl);
    const checkedIn = await readFile(SCHEMA_FILE, 'utf8');
    expect(sdl, 'the schema changed: review it, then run with PHX_UPDATE_SCHEMA=1 to update schema.graphql').toBe(checkedIn);
  });

  it('has a GraphQL name for every domain job status, isolation mode and fetch mode', () => {
    expect(Object.values(JobStatusEnum).sort()).toEqual([...JOB_STATUSES].sort());
    expect(Object.values(IsolationModeEnum).sort()).toEqual([...ISOLATION_MODES].sort());
    expect(Object.values(FetchModeEnum).sort()).toEqual([...FETCH_MODES].sort());
    expect(Object.values(PageFetchModeEnum).sort()).toEqual([...PAGE_FETCH_MODES].sort());
  });
});
