import { defineConfig } from "vitest/config";

// Tests run in a zone far from Hanoi so that any code that leans on the machine's
// local time (instead of Asia/Ho_Chi_Minh) fails loudly.
process.env.TZ = "America/Los_Angeles";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
