// The bench orchestrator's own tests (the table's arithmetic), apart from the product's suites:
// `pnpm exec vitest run --config bench/vitest.config.mjs`.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['bench/**/*.test.mjs'], root: new URL('..', import.meta.url).pathname } });
