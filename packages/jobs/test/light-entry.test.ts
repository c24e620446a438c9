import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const FORBIDDEN = [/^playwright/, /^@phx\/scrapers/];

/** Every bare module specifier reachable from `entry` through relative imports of this package. */
function bareImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = match[1] ?? '';
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  };
  visit(resolve(SRC, entry));
  return bare;
}

describe('entries of @phx/jobs', () => {
  it('the light entry imports neither Playwright nor @phx/scrapers', () => {
    const imports = [...bareImports('index.ts')];
    expect(imports.filter((spec) => FORBIDDEN.some((re) => re.test(spec)))).toEqual([]);
    expect(imports).toContain('agenda');
  });

  it('the light entry really loads without them', async () => {
    const entry = await import('../src/index.js');
    expect(Object.keys(entry)).toEqual(expect.arrayContaining(['JobService', 'JobProgressFeed', 'createAgenda', 'JobRepository', 'MongoPhotoRepository']));
  });
});
