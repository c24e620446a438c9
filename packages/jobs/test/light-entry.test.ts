import { readFileSync, readdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const FORBIDDEN = [/^playwright/, /^@phx\/scrapers(?!\/urls$)/];

/** What the module graph of one entry reaches, by static (type-only included) and dynamic imports. */
interface ModuleGraph {
  /** Source files of this package, relative to `src/`, sorted. */
  readonly files: readonly string[];
  /** Bare module specifiers (other packages) those files import. */
  readonly bare: ReadonlySet<string>;
}

/** Walks the import graph of this package from `entry` (relative to `src/`). */
function moduleGraph(entry: string): ModuleGraph {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specifiers = [
      ...[...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1] ?? ''),
      ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => match[1] ?? ''),
    ];
    for (const spec of specifiers) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  };
  visit(resolve(SRC, entry));
  return { files: [...seen].map((file) => relative(SRC, file)).sort(), bare };
}

/** Every `.ts` file under `src/`, relative to it, sorted. */
function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort();
}

const lineCount = (files: readonly string[]): number =>
  files.reduce((sum, file) => sum + readFileSync(resolve(SRC, file), 'utf8').split('\n').length - 1, 0);

const isWorkerFile = (file: string): boolean => file.startsWith('worker/');

describe('entries of @phx/jobs', () => {
  it('the light entry imports neither Playwright nor @phx/scrapers', () => {
    const imports = [...moduleGraph('index.ts').bare];
    expect(imports.filter((spec) => FORBIDDEN.some((re) => re.test(spec)))).toEqual([]);
    expect(imports).toContain('agenda');
  });

  it('the light entry reaches no file under src/worker/, and every other source file', () => {
    const light = moduleGraph('index.ts').files;
    const all = sourceFiles();
    process.stdout.write(
      `light entry reaches ${light.length} of ${all.length} source files (${lineCount(light)} lines); src/worker/: ${all.filter(isWorkerFile).length} files\n`,
    );
    expect(light.filter(isWorkerFile)).toEqual([]);
    expect(light).toEqual(all.filter((file) => !isWorkerFile(file)));
  });

  it('the worker entry reaches every file under src/worker/ (the runner lives there)', () => {
    const worker = moduleGraph('worker/index.ts').files;
    expect(worker.filter(isWorkerFile)).toEqual(sourceFiles().filter(isWorkerFile));
    expect(worker).toContain('worker/extraction-job-runner.ts');
  });

  it('the light entry really loads without them', async () => {
    const entry = await import('../src/index.js');
    expect(Object.keys(entry)).toEqual(
      expect.arrayContaining(['JobService', 'JobProgressFeed', 'createAgenda', 'JobRepository', 'MongoPhotoRepository']),
    );
    expect(entry.EXTRACT_IMAGES_JOB).toBe('extract-images');
    expect(entry.extractImagesPayloadSchema.safeParse({ jobId: 'not-a-guid' }).success).toBe(false);
  });
});
