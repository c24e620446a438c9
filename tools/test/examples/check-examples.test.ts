import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '../../src/db/workspace-paths.js';
import { checkExamples } from '../../src/examples/check-examples.js';
import { extractExamples } from '../../src/examples/extract-examples.js';

const rootDir = findWorkspaceRoot();
const fixture = join(rootDir, 'tools/test/examples/fixtures/area.ts');

describe('extractExamples', () => {
  it('takes the ts blocks of @example tags only, with the line of their first line of code', () => {
    const text = readFileSync(fixture, 'utf8');
    const examples = extractExamples(fixture, text);
    expect(examples.map((e) => e.code)).toEqual([
      'const area: number = areaPx(3, 4);',
      'declare const side: number;\nconst label: string = areaPx(side, side);',
      "import { areaPx as area } from './area.js';\nconst ratio = perimeterPx(1, 2) / area(1, 2) + missingName;",
    ]);
    const lines = text.split('\n');
    for (const example of examples) expect(lines[example.line - 1]).toContain(example.code.split('\n')[0]);
  });
});

describe('checkExamples', () => {
  it("compiles each example beside its file, with the file's exports in scope, and reports errors at their source line", () => {
    const result = checkExamples({ rootDir, sourceDirs: ['tools/test/examples/fixtures'] });
    expect(result.examples).toHaveLength(3);
    expect(result.failures.map((f) => f.at)).toEqual([
      'tools/test/examples/fixtures/area.ts:17',
      'tools/test/examples/fixtures/area.ts:37',
    ]);
    expect(result.failures[0]?.message).toBe("Type 'number' is not assignable to type 'string'.");
    expect(result.failures[1]?.message).toBe("Cannot find name 'missingName'.");
  });
});
