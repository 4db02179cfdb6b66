import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (src/**), integration and real-data tests in test/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    sequence: { shuffle: true },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
