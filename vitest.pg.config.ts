import { defineConfig } from "vitest/config";

// `npm run test:pg`: the PostgreSQL suites (tests/**/*.pg.test.ts) against one throwaway PostgreSQL 15 that the
// global setup starts (tests/support/postgres.ts: initdb in a temp dir as a non-root user, loopback port) and
// stops at the end. The tests run in a zone far from Hanoi, as in vitest.config.ts.
export default defineConfig({
  test: {
    env: { TZ: "America/Los_Angeles" },
    include: ["tests/**/*.pg.test.ts"],
    globalSetup: ["tests/support/postgres.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
