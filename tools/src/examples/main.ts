#!/usr/bin/env node
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { checkExamples } from './check-examples.js';

// Type-checks every TSDoc `@example` of the workspace's sources; run by
// `nx run tools:examples`, which tools' test target depends on.
const result = checkExamples({ rootDir: findWorkspaceRoot(), sourceDirs: EXAMPLE_SOURCE_DIRS() });
for (const failure of result.failures) console.error(`${failure.at} - ${failure.message}`);
const files = new Set(result.examples.map((e) => e.file)).size;
console.log(`${result.examples.length} examples checked in ${files} files, ${result.failures.length} errors`);
process.exitCode = result.failures.length === 0 ? 0 : 1;

function EXAMPLE_SOURCE_DIRS(): string[] {
  return ['packages/core/src', 'packages/scrapers/src', 'packages/jobs/src', 'apps/graphql/src', 'apps/worker/src', 'tools/src'];
}
