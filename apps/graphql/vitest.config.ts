import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (`main`) and ESM (`module`) copies. Node, Apollo
    // and type-graphql load the CommonJS one; without this alias Vite hands our
    // sources the ESM one, and schema objects and GraphQLError classes from two
    // realms do not mix ("Cannot use GraphQLSchema from another module or realm").
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Sets process.env.MONGODB_URI (the local FerretDB unless already set).
    globalSetup: ['../../tools/src/db/global-setup.ts'],
  },
});
