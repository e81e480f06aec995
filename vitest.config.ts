import { configDefaults, defineConfig } from "vitest/config";

// Tests run in a zone far from Hanoi so that any code that leans on the machine's
// local time (instead of Asia/Ho_Chi_Minh) fails loudly.
process.env.TZ = "America/Los_Angeles";

const common = { testTimeout: 30_000, hookTimeout: 60_000, pool: "forks" as const };

// `npm test` runs both projects in one run and one report: the SQLite suites, and the PostgreSQL suites
// (tests/**/*.pg.test.ts) against one throwaway PostgreSQL 15 that their global setup starts
// (tests/support/postgres.ts: initdb in a temp dir as a non-root user, loopback port) and stops at the end.
// `npm run test:pg` runs the second project alone.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "sqlite",
          include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "tests/**/*.pg.test.ts"],
          ...common,
        },
      },
      {
        test: {
          name: "pg",
          include: ["tests/**/*.pg.test.ts"],
          globalSetup: ["tests/support/postgres.ts"],
          ...common,
        },
      },
    ],
  },
});
