// Vite build of the console into dist/ (served by apps/graphql at /) and the dev server, which proxies the API
// (HTTP and graphql-ws) to a running GraphQL server at PHX_API_URL (default http://localhost:4000).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const apiUrl = process.env['PHX_API_URL'] ?? 'http://localhost:4000';
const proxied = { target: apiUrl, changeOrigin: false };

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The strict CSP (script-src 'self') forbids inline scripts: no inlined polyfill, no inlined assets.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/graphql': { ...proxied, ws: true },
      '/session': proxied,
      '/images': proxied,
      '/agendash': proxied,
    },
  },
  preview: {
    proxy: {
      '/graphql': { ...proxied, ws: true },
      '/session': proxied,
      '/images': proxied,
      '/agendash': proxied,
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
