// Lint rules for the whole workspace. Module boundaries: layers point one way,
// core <- scrapers <- jobs <- apps; tools sit beside the apps.
import nx from '@nx/eslint-plugin';
import jsdoc from 'eslint-plugin-jsdoc';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', '**/test-output/**', '**/api-docs/**', 'apps/console/src/gql/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:scraper', onlyDependOnLibsWithTags: ['type:core'] },
            { sourceTag: 'type:jobs', onlyDependOnLibsWithTags: ['type:core', 'type:scraper'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:scraper', 'type:jobs'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:core', 'type:scraper', 'type:jobs'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.ts', 'packages/scrapers/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['mongodb', 'agenda', '@agendajs/*', 'graphql', 'type-graphql', '@apollo/*'] }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['mongodb', 'agenda', '@agendajs/*', 'graphql', 'type-graphql', '@apollo/*', 'playwright-core', 'playwright'] },
      ],
    },
  },
  {
    // Every export has TSDoc (shapes, units, errors).
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'tools/src/**/*.ts'],
    plugins: { jsdoc },
    rules: {
      'jsdoc/require-jsdoc': [
        'error',
        {
          publicOnly: true,
          require: { FunctionDeclaration: true, ClassDeclaration: true, MethodDefinition: true, ArrowFunctionExpression: true },
          contexts: ['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'ExportNamedDeclaration > VariableDeclaration'],
          checkConstructors: false,
        },
      ],
    },
  },
  {
    files: ['apps/*/src/**/*.ts', 'tools/src/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // The browser console (React): hooks rules; the strict CSP forbids inline style attributes.
    files: ['apps/console/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='style']",
          message: 'The console is served with style-src self: use a CSS class, not a style attribute.',
        },
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'No raw HTML in the console.' },
      ],
    },
  },
);
