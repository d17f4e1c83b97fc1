import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Temporary folders of every test live under one folder, removed when the run ends.
    globalSetup: ['test/support/tmp.ts'],
  },
});
