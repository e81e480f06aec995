import { availableParallelism } from "node:os";
import { configDefaults, defineConfig } from "vitest/config";

// Tests run in a zone far from Hanoi so that any code that leans on the machine's
// local time (instead of Asia/Ho_Chi_Minh) fails loudly.
process.env.TZ = "America/Los_Angeles";

const common = { testTimeout: 30_000, hookTimeout: 60_000, pool: "forks" as const };

// Vitest's default is one file at a time on a 2-core machine (cores - 1). Most suites wait on servers, child desks
// and timers rather than on a core, so two at a time cut CI's wall time; each suite starts its own servers on its own
// ports and temp dirs, so they do not share state.
const maxWorkers = Math.max(2, availableParallelism() - 1);

/**
 * Suites whose desks come from tests/helpers.ts (`makeDesk`, `openTestStore`): the `pg` project runs them again with
 * DESK_TEST_DB=pg, each desk on a fresh PostgreSQL database (services, CLIs and child processes get its URL through
 * `testDb`/`suiteDb`). Suites left out test what only SQLite has (the file, its online backup, the single-desk lock
 * on one file, a read-only or full disk under it), never open a store, or are heavy Chromium suites whose store part
 * runs here through another suite; each says so at its top.
 */
export const BOTH_STORES = [
  "tests/chaos-clock.test.ts",
  "tests/security/web-login-shared.test.ts",
  "tests/chaos-downtime.test.ts",
  "tests/chaos-janus.test.ts",
  "tests/chaos-smtp.test.ts",
  "tests/answer-echo.test.ts",
  "tests/booking-lapse.test.ts",
  "tests/booking-nonsense-times.test.ts",
  "tests/booking-usecases.test.ts",
  "tests/decide-cache.test.ts",
  "tests/chat-commands.test.ts",
  "tests/chat-set-aside.test.ts",
  "tests/chat-storm.test.ts",
  "tests/chat.test.ts",
  "tests/chat-ask-back.test.ts",
  "tests/chat-edited.test.ts",
  "tests/chat-media.test.ts",
  "tests/chat-round12.test.ts",
  "tests/chat-round13.test.ts",
  "tests/chat-round14.test.ts",
  "tests/chat-round15.test.ts",
  "tests/chat-round16.test.ts",
  "tests/e2e-clerk-round14.test.ts",
  "tests/e2e-clerk-round16.test.ts",
  "tests/incident-ack-twice.test.ts",
  "tests/incident-place-sessions.test.ts",
  "tests/cli-mail-ingest.test.ts",
  "tests/cli-polish.test.ts",
  "tests/cli-move.test.ts",
  "tests/cli-quarantine.test.ts",
  "tests/cli.test.ts",
  "tests/desk.test.ts",
  "tests/directory-chairs.test.ts",
  "tests/directory-import-friction.test.ts",
  "tests/directory.test.ts",
  "tests/duty-burst.test.ts",
  "tests/duty-zalo.test.ts",
  "tests/duty.test.ts",
  "tests/e2e-clerk-more.test.ts",
  "tests/e2e-clerk-round6.test.ts",
  "tests/e2e-clerk-round6-servers.test.ts",
  "tests/e2e-clerk-round7.test.ts",
  "tests/e2e-clerk-round7-servers.test.ts",
  "tests/e2e-clerk-round8.test.ts",
  "tests/e2e-clerk-round8-servers.test.ts",
  "tests/e2e-clerk-round11-threads.test.ts",
  "tests/mail-repeat-race.test.ts",
  "tests/e2e-technician.test.ts",
  "tests/hotpaths.test.ts",
  "tests/ics-instants.test.ts",
  "tests/incident-usecases.test.ts",
  "tests/incident-place.test.ts",
  "tests/mail-directory-version.test.ts",
  "tests/mail-quarantine-notice.test.ts",
  "tests/mail-e2e.test.ts",
  "tests/mail-replies.test.ts",
  "tests/mail-set-aside.test.ts",
  "tests/mail-resilience.test.ts",
  "tests/mail-thread-regressions.test.ts",
  "tests/ops-context.test.ts",
  "tests/ops-log.test.ts",
  "tests/outbox.test.ts",
  "tests/report-retention.test.ts",
  "tests/report-rows.test.ts",
  "tests/report-web.test.ts",
  "tests/report.test.ts",
  "tests/security/chat-chuyen-target.test.ts",
  "tests/security/chat-duyet-link.test.ts",
  "tests/security/chat-group-only.test.ts",
  "tests/security/chat-rate-limit.test.ts",
  "tests/security/chat-stranger-report.test.ts",
  "tests/security/clean-stop.test.ts",
  "tests/security/mail-auth-config.test.ts",
  "tests/security/mail-auth-headers.test.ts",
  "tests/security/mail-auth-verify.test.ts",
  "tests/security/mail-auth-replay.test.ts",
  "tests/security/directory-mailbox-change.test.ts",
  "tests/security/directory-outside-domains.test.ts",
  "tests/security/mail-forged-cancel.test.ts",
  "tests/security/mail-poison.test.ts",
  "tests/security/nul-inputs.test.ts",
  "tests/security/report-secret-omitted.test.ts",
  "tests/security/secret-chat-suco.test.ts",
  "tests/security/web-booking-doors.test.ts",
  "tests/security/web-forged-notice.test.ts",
  "tests/security/web-last-admin.test.ts",
  "tests/security/web-live-streams.test.ts",
  "tests/security/web-session-lifetime.test.ts",
  "tests/security/web-session-revoked.test.ts",
  "tests/security/web-secret-places.test.ts",
  "tests/security/secret-ambiguous.test.ts",
  "tests/security/secret-chat-leaks.test.ts",
  "tests/security/webhook-bind.test.ts",
  "tests/sessions.test.ts",
  "tests/telegram.test.ts",
  "tests/telegram-technicians.test.ts",
  "tests/web-public/feeds.test.ts",
  "tests/web-public/ops.test.ts",
  "tests/web-public/page.test.ts",
  "tests/web/incident-timeline.test.ts",
  "tests/web/booking-cancel.test.ts",
  "tests/web/booking-move.test.ts",
  "tests/web/pages-booking.test.ts",
  "tests/web/pages-directory.test.ts",
  "tests/web/paging.test.ts",
  "tests/web/round16.test.ts",
  "tests/web/request-id.test.ts",
  "tests/web/security.test.ts",
  "tests/web/bad-query.test.ts",
  "tests/web/refusal-pages.test.ts",
  "tests/zalo.test.ts",
];

// `npm test` runs both projects in one run and one report: the SQLite suites, and the PostgreSQL suites
// (tests/**/*.pg.test.ts) against one throwaway PostgreSQL 15 that their global setup starts
// (tests/support/postgres.ts: initdb in a temp dir as a non-root user, loopback port) and stops at the end.
// `npm run test:pg` runs the second project alone.
export default defineConfig({
  test: {
    maxWorkers,
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
          include: ["tests/**/*.pg.test.ts", ...BOTH_STORES],
          globalSetup: ["tests/support/postgres.ts"],
          env: { DESK_TEST_DB: "pg" },
          ...common,
        },
      },
    ],
  },
});
