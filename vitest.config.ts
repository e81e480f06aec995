import { configDefaults, defineConfig } from "vitest/config";

// Tests run in a zone far from Hanoi so that any code that leans on the machine's
// local time (instead of Asia/Ho_Chi_Minh) fails loudly.
process.env.TZ = "America/Los_Angeles";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
    // The PostgreSQL suites run under `npm run test:pg` (vitest.pg.config.ts), with their own server.
    exclude: [...configDefaults.exclude, "tests/**/*.pg.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
