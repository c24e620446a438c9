import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // WeakRef checks of released pages call global.gc().
    execArgv: ['--expose-gc'],
  },
});
