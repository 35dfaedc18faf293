import { defineConfig } from 'vitest/config';
import PlainSummaryReporter from './scripts/plain-summary-reporter.js';

export default defineConfig({
  resolve: { conditions: ['source'] },
  // Tests run in vite's server (ssr) environment, which takes its own conditions: without this, @dotscience/* resolves to a stale dist.
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    // bench/*.test.mjs: the benchmark table's own arithmetic (targets, ratios, met/missed).
    include: ['packages/*/test/**/*.test.ts', 'bench/**/*.test.mjs'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The CLI tests run the bundled ds: rebuilt here when its sources changed.
    globalSetup: ['./scripts/bundle-setup.mjs'],
    reporters: ['default', new PlainSummaryReporter()],
  },
});
