import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Stops PostgreSQL test servers a killed test process left behind.
    globalSetup: ['test/helpers/postgres-global-setup.ts'],
  },
});
