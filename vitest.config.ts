import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (src/**, web/**), integration and real-data tests in test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/**/*.test.ts'],
    sequence: { shuffle: true },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
