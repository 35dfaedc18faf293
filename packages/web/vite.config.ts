import { defineConfig } from 'vite';

/** The hub serves the built app under /ui/ (adapters-http `registerWebAppRoutes`). */
export default defineConfig({
  root: import.meta.dirname,
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
