import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { extractExamples, type TsDocExample } from './extract-examples.js';

/** Where {@link checkExamples} looks and how it compiles. */
export interface CheckExamplesOptions {
  /** Absolute workspace root: holds `tsconfig.base.json` and `node_modules`. */
  readonly rootDir: string;
  /** Folders, relative to `rootDir`, whose `.ts` files (not `.d.ts`, recursively) are searched for examples. */
  readonly sourceDirs: readonly string[];
}

/** One compiler error in an example. */
export interface ExampleFailure {
  /** The example. */
  readonly example: TsDocExample;
  /** `path:line` of the error in the source file that holds the example, path relative to `rootDir`. */
  readonly at: string;
  /** The compiler's message (chained messages joined by new lines). */
  readonly message: string;
}

/** What {@link checkExamples} found. */
export interface CheckExamplesResult {
  /** Every example checked, in file then line order. */
  readonly examples: readonly TsDocExample[];
  /** The errors, one per compiler diagnostic; empty when every example compiles. */
  readonly failures: readonly ExampleFailure[];
}

/** Suffix of the in-memory module made from an example (never written to disk). */
const EXAMPLE_SUFFIX = '.example.ts';

/**
 * Type-checks every ```ts block of a TSDoc `@example` under the given
 * folders with the TypeScript compiler, against the workspace's sources as
 * they are: a workspace package imported by name (`@phx/core`,
 * `@phx/jobs/worker`) resolves to its `src`, not its build, so nothing needs
 * building first; other packages resolve through `node_modules`.
 *
 * Each example is compiled as a module of its own that sits beside the file
 * it documents, under `tsconfig.base.json`'s options. It sees that file's
 * exports without importing them; anything else it names it imports (a
 * package by name, a sibling by `./name.js`) or declares
 * (`declare const bytes: Uint8Array;`). Unused names are allowed, and so is
 * importing a type without `import type`.
 *
 * @param options - workspace root and the folders to search
 * @returns the examples found and every compiler error in them
 */
export function checkExamples(options: CheckExamplesOptions): CheckExamplesResult {
  const examples = options.sourceDirs
    .flatMap((dir) => sourceFilesUnder(join(options.rootDir, dir)))
    .flatMap((file) => extractExamples(file, readFileSync(file, 'utf8')));
  const modules = new Map<string, { example: TsDocExample; headerLines: number; text: string }>();
  examples.forEach((example, index) => {
    const header = headerFor(example);
    const path = join(dirname(example.file), `${basename(example.file, '.ts')}.${index}${EXAMPLE_SUFFIX}`);
    modules.set(path, { example, headerLines: header.split('\n').length - 1, text: `${header}${example.code}\n` });
  });
  const compilerOptions = optionsOf(options.rootDir);
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile } = host;
  host.getCurrentDirectory = () => options.rootDir;
  host.fileExists = (path) => modules.has(path) || fileExists.call(host, path);
  host.readFile = (path) => modules.get(path)?.text ?? readFile.call(host, path);
  host.getSourceFile = (path, version, onError, create) => {
    const module = modules.get(path);
    return module === undefined
      ? getSourceFile.call(host, path, version, onError, create)
      : ts.createSourceFile(path, module.text, version, true);
  };
  const program = ts.createProgram([...modules.keys()], compilerOptions, host);
  const failures: ExampleFailure[] = [];
  for (const [path, module] of modules) {
    const source = program.getSourceFile(path);
    if (source === undefined) continue;
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const sourceLine = module.example.line + line - module.headerLines;
      failures.push({
        example: module.example,
        at: `${relative(options.rootDir, module.example.file)}:${sourceLine}`,
        message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
      });
    }
  }
  return { examples, failures };
}

function sourceFilesUnder(dir: string): string[] {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return entries
    .filter((entry) => entry.endsWith('.ts') && !entry.endsWith('.d.ts') && !entry.split(/[\\/]/).includes('node_modules'))
    .map((entry) => join(dir, entry))
    .sort();
}

function optionsOf(rootDir: string): ts.CompilerOptions {
  const configPath = join(rootDir, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error !== undefined) throw new Error(`Cannot read ${configPath}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, rootDir, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    verbatimModuleSyntax: false,
    isolatedModules: false,
    paths: workspacePackagePaths(rootDir),
  };
}

/** `paths` mapping each export of each `packages/*` package (`@phx/jobs/worker`) to its source (`packages/jobs/src/worker/index.ts`). */
function workspacePackagePaths(rootDir: string): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const dir of readdirSync(join(rootDir, 'packages'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const packageDir = join(rootDir, 'packages', dir.name);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageManifest;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === 'object' ? target.types : undefined;
      const source = types?.match(/^\.\/dist\/(.+)\.d\.ts$/)?.[1];
      if (source !== undefined) paths[join(manifest.name, subpath)] = [join(packageDir, 'src', `${source}.ts`)];
    }
  }
  return paths;
}

/** The fields of a `package.json` read by {@link workspacePackagePaths}. */
interface PackageManifest {
  readonly name: string;
  readonly exports?: Record<string, string | { readonly types?: string }>;
}

/** `import { a, b } from './file.js';` for the exports of the documented file that the example does not itself declare or import. */
function headerFor(example: TsDocExample): string {
  const own = declaredNames(ts.createSourceFile('example.ts', example.code, ts.ScriptTarget.Latest));
  const exported = exportedNames(ts.createSourceFile(example.file, readFileSync(example.file, 'utf8'), ts.ScriptTarget.Latest)).filter(
    (n) => !own.has(n),
  );
  if (exported.length === 0) return '';
  return `import { ${exported.join(', ')} } from './${basename(example.file, '.ts')}.js';\n`;
}

function exportedNames(source: ts.SourceFile): string[] {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      if (statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause)) {
        for (const element of statement.exportClause.elements) names.add(element.name.text);
      }
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) || modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword))
      continue;
    for (const name of namesOfStatement(statement)) names.add(name);
  }
  return [...names];
}

function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name !== undefined) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings !== undefined && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
      continue;
    }
    for (const name of namesOfStatement(statement)) names.add(name);
  }
  return names;
}

function namesOfStatement(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  }
  const named = statement as ts.Statement & { name?: ts.Node };
  return named.name !== undefined && ts.isIdentifier(named.name) ? [named.name.text] : [];
}
