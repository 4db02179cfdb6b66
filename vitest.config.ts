import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (src/**, web/**), integration and real-data tests in test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/**/*.test.ts'],
    sequence: { shuffle: true },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The `mia serve` processes the tests start run side by side: each would open the default journal
    // (./mia-journal.duckdb), which DuckDB lets one process hold. The journal's own tests pass --journal FILE.
    env: { MIA_JOURNAL: 'off' },
  },
});
