import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgDatabase } from "../src/store/pg/db.js";
import { sampleDirectory } from "./helpers.js";
import {
  answered,
  chatHandled,
  DeskPair,
  expectEachHandledOnce,
  pairEnv,
  waitUntil,
} from "./support/desk-process.js";
import { FakeTelegram } from "./support/fake-telegram.js";
import { useMailServers } from "./support/mail-servers.js";
import { type OwnPgServer, startOwnPostgres } from "./support/postgres.js";
import { bookingMails, deskEnv } from "./support/service.js";

const MAILS = 60;
const REPORTS = 20;
const TOKEN = "123456:pg-restart-token";
const GROUP = -100778;
const USER0 = 6_000_000;

/**
 * Two desks on one PostgreSQL, and the PostgreSQL itself restarted under them (fast shutdown: every connection cut,
 * three seconds with no server, then the same cluster on the same port) while they answer a backlog of mails and
 * chat reports. A server of this test's own: restarting the one the other suites share would cut them too.
 */
describe("PostgreSQL restarted under two running desks", () => {
  const { dovecot, sink } = useMailServers();
  const telegram = new FakeTelegram(TOKEN);
  let server: OwnPgServer;
  let url: string;
  let admin: pg.Pool;

  beforeAll(async () => {
    server = await startOwnPostgres();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query("CREATE DATABASE desk");
    await c.end();
    const u = new URL(server.url);
    u.pathname = "/desk";
    url = u.toString();
    // Migrated once here, as an operator's first start would.
    const { pool } = await openPgDatabase(url, { max: 1 });
    await pool.end();
    // A pool: its connections are cut by the restart and made again on the next query.
    admin = new pg.Pool({ connectionString: url, max: 2 });
    admin.on("error", () => undefined);
    await telegram.start();
  }, 60_000);
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await telegram.stop();
    await server?.stop();
  });

  it("both desks come back, the leader lease moves at most once, each mail and report is handled once", async () => {
    const env = pairEnv(deskEnv(dovecot, sink, url), telegram, TOKEN, GROUP);
    const pair = new DeskPair(admin, env);
    await pair.start();
    try {
      const before = await pair.leader();
      const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
      await dovecot.append(...bookingMails("pgrestart", MAILS, communes, "từ 09h00 đến 10h00"));
      for (let k = 0; k < REPORTS; k++) telegram.message(GROUP, USER0 + k, "điểm cầu mất tiếng");
      // In the middle of that work.
      await waitUntil("the first answers", () => sink.messages.length > 0, 60_000);
      const elections = () =>
        pair.desks.flatMap((d) => d.events.filter((e) => e.event === "leader-elected").map(() => d.pid));
      const electedBefore = elections().length;
      // Who holds the lease, sampled from now until the end (null while the database is down or no lease is current).
      const holders: number[] = [before.pid];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const pid = await pair.leaderPid().catch(() => null);
          if (pid !== null && pid !== holders.at(-1)) holders.push(pid);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const restartedAt = Date.now();
      await server.restart(3_000);
      await waitUntil("every mail answered", () => answered(sink) >= MAILS, 90_000);
      await waitUntil("every report handled", async () => (await chatHandled(admin)) >= REPORTS, 60_000);
      const recoveredMs = Date.now() - restartedAt;
      // A little longer, so that a late duplicate would have time to show.
      await new Promise((r) => setTimeout(r, 3_000));
      const after = await pair.leader();
      sampling = false;
      await sampler;
      const moved = elections().slice(electedBefore);
      const leaderEvents = pair.desks.flatMap((d) =>
        d.events
          .filter((e) => String(e.event).startsWith("leader"))
          .map((e) => `${e.time} ${d.pid} ${e.event}`),
      );
      console.log(
        `chaos-pg-restart: work done ${recoveredMs} ms after the restart began (3 s down); leader ${before.pid} → ${after.pid}; lease holders ${JSON.stringify(holders)}; ${JSON.stringify(leaderEvents.sort())}; ${sink.messages.length} SMTP deliveries for ${MAILS} mails`,
      );
      // Both desks still running, neither crashed by the outage.
      for (const d of pair.desks) expect(d.exit, d.stderr).toBeNull();
      // The lease moved at most once (kept or re-taken by the same desk, or taken over by the other), and was taken
      // at most once.
      expect(holders.length).toBeLessThanOrEqual(2);
      expect(moved.length).toBeLessThanOrEqual(1);
      await expectEachHandledOnce(admin, sink, MAILS, REPORTS);
      // Nothing parked. (An answer sent while its mark could not be written stays pending under its claim: it is
      // sent again, with the same Message-ID, when the claim runs out; tests/outbox.test.ts covers the mark.)
      const left = (
        await admin.query("SELECT status, count(*) AS n FROM outbox WHERE channel = 'mail' GROUP BY status")
      ).rows as { status: string; n: string }[];
      expect(left.filter((r) => r.status === "parked")).toEqual([]);
      await pair.stop();
    } finally {
      await pair.kill();
    }
  }, 240_000);
});
