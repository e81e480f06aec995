import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIL_LANES } from "../src/app/outbox-worker.js";
import { sampleDirectory } from "./helpers.js";
import {
  answered,
  chatHandled,
  DeskPair,
  expectEachHandledOnce,
  pairEnv,
  seeded,
  waitUntil,
} from "./support/desk-process.js";
import { FakeTelegram } from "./support/fake-telegram.js";
import { useMailServers } from "./support/mail-servers.js";
import { freshDatabase, testServer } from "./support/postgres.js";
import { bookingMails, deskEnv } from "./support/service.js";

const ROUNDS = 10;
const MAILS_PER_ROUND = 20;
const REPORTS_PER_ROUND = 20;
const TOKEN = "123456:failover-test-token";
const GROUP = -100777;
/** Report senders: strangers, one report each, so that each report is one incident of its own reporter. */
const USER0 = 5_000_000;

/**
 * Two desks on one PostgreSQL, as a city runs them. In each of 10 rounds a batch of booking mails lands in the
 * mailbox and a batch of fault reports in the group, and the leader is SIGKILLed at a random point of the work; the
 * killed desk is then started again, so that two desks run in every round. At the end every mail must have been
 * answered exactly once (by Message-ID: a resend of the same answer is the same mail to its reader), every chat
 * update handled once (one incident per report), and each takeover must have happened within 10 s.
 */
describe("failover: two desks on one PostgreSQL, the leader killed mid-work", () => {
  const { dovecot, sink } = useMailServers();
  const telegram = new FakeTelegram(TOKEN);
  let server: { url: string; release(): Promise<void> };
  let url: string;
  let admin: pg.Client;

  beforeAll(async () => {
    server = await testServer();
    url = (await freshDatabase(server.url)).url;
    admin = new pg.Client({ connectionString: url });
    await telegram.start();
  }, 60_000);
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await telegram.stop();
    await server?.release();
  });

  it(`answers every mail and handles every chat update once across ${ROUNDS} leader kills`, async () => {
    const env = pairEnv(deskEnv(dovecot, sink, url), telegram, TOKEN, GROUP);
    await admin.connect();
    const pair = new DeskPair(admin, env);
    await pair.start();

    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
    // Seeded, so that a failure can be replayed.
    const rnd = seeded(20261129);
    const takeovers: number[] = [];
    let mails = 0;
    let reports = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const leader = await pair.leader();
      const batch = bookingMails("failover", MAILS_PER_ROUND, communes, "từ 09h00 đến 10h00", mails);
      await dovecot.append(...batch);
      mails += MAILS_PER_ROUND;
      for (let k = 0; k < REPORTS_PER_ROUND; k++)
        telegram.message(GROUP, USER0 + reports + k, "điểm cầu mất tiếng");
      reports += REPORTS_PER_ROUND;
      // Somewhere in the middle of that work.
      await new Promise((r) => setTimeout(r, 200 + rnd(1500)));
      const killedAt = Date.now();
      leader.child.kill("SIGKILL");
      // Two desks again for the next round.
      takeovers.push(await pair.takeOver(round, leader, killedAt));
    }

    await waitUntil("every mail answered", () => answered(sink) >= mails, 120_000);
    await waitUntil("every report handled", async () => (await chatHandled(admin)) >= reports, 60_000);
    // A little longer, so that a late duplicate would have time to show.
    await new Promise((r) => setTimeout(r, 3000));
    await pair.stop();

    console.log(
      `failover: ${ROUNDS} kills, takeover ms ${JSON.stringify(takeovers)}, ${sink.messages.length} SMTP deliveries for ${mails} mails`,
    );
    // Every takeover within 10 s of the kill.
    expect(Math.max(...takeovers)).toBeLessThanOrEqual(10_000);
    // A resend can only come from a kill between the SMTP "250 OK" and the commit that marks it sent. The outbox
    // sends on MAIL_LANES lanes and holds a send while as many are sent and unmarked: a kill resends fewer than twice
    // the lanes (src/app/outbox-worker.ts). One per kill was this test's bound, and a loaded machine broke it (11 in
    // 10 kills), within what the product promises.
    expect(sink.messages.length - mails).toBeLessThanOrEqual(ROUNDS * (2 * MAIL_LANES - 1));
    await expectEachHandledOnce(admin, sink, mails, reports);
  }, 600_000);
});
