import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { MAIL_LANES } from "../src/app/outbox-worker.js";
import { sampleDirectory, tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { bookingMails, deskEnv } from "./support/service.js";

const TOTAL = 200;

// SQLite only: on PostgreSQL the same SIGKILL-in-a-200-mail-backlog check runs with two desks in
// tests/failover.pg.test.ts (exactly-once answers, 10 rounds); running both here would double the slowest suite.

describe("crash safety of the mail channel", () => {
  const { dovecot, sink } = useMailServers();

  it(`answers each of ${TOTAL} queued mails exactly once while being SIGKILLed at random points`, async () => {
    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
    const mails = bookingMails("crash", TOTAL, communes, "từ 09h00 đến 10h00");
    await dovecot.append(...mails);
    const env = {
      ...process.env,
      ...deskEnv(dovecot, sink, join(tempDir(), "desk.db")),
      DESK_IMAP_POLL_SECONDS: "1",
      // All 200 come from one agency mailbox: lift the per-sender cap on automatic replies for this test.
      DESK_REPLY_CAP_PER_SENDER: "1000",
    };
    const start = (): ChildProcess =>
      spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/app/main.ts")], {
        env,
        stdio: "ignore",
        cwd: ROOT,
      });
    const answered = () => new Set(sink.messages.map((m) => m.parsed.inReplyTo)).size;
    let kills = 0;
    // Seeded, so a failure can be replayed.
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const deadline = Date.now() + 150_000;
    while (answered() < TOTAL && Date.now() < deadline) {
      const child = start();
      const exited = new Promise((r) => child.once("exit", r));
      await new Promise((r) => setTimeout(r, 900 + rnd(900)));
      if (answered() < TOTAL && kills < 12) {
        child.kill("SIGKILL");
        kills++;
      } else {
        // Let the last run finish the queue, then stop it politely.
        const until = Date.now() + 60_000;
        while (answered() < TOTAL && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
        await new Promise((r) => setTimeout(r, 1500));
        child.kill("SIGTERM");
      }
      await exited;
    }
    console.log(`crash test: ${kills} kills, ${sink.messages.length} SMTP deliveries for ${TOTAL} mails`);
    expect(kills).toBeGreaterThanOrEqual(3);
    // Every mail got an answer, and exactly one: resends after a kill reuse the answer's Message-ID.
    const byMail = new Map<string, Set<string>>();
    for (const m of sink.messages) {
      const set = byMail.get(m.parsed.inReplyTo ?? "") ?? new Set();
      set.add(m.parsed.messageId ?? "");
      byMail.set(m.parsed.inReplyTo ?? "", set);
    }
    expect(byMail.size).toBe(TOTAL);
    for (const [id, answers] of byMail) expect(answers.size, `answers to ${id}`).toBe(1);
    const resent = sink.messages.length - TOTAL;
    // A resend can only come from a kill between the SMTP "250 OK" and the commit that marks it sent. Each answer is
    // marked as soon as it is sent; a mark may wait for a mail batch's commit, and sends hold while the lanes' worth
    // wait for theirs: a kill leaves fewer than twice the lanes sent and unmarked (in flight included). A restarted
    // service gives a dead process's claims back at once, so they go again within this test (same Message-IDs).
    expect(resent).toBeLessThanOrEqual(kills * 2 * MAIL_LANES);
    console.log(`crash test: ${resent} resent for ${kills} kills`);
    const codes = sink.messages.map((m) => /\[(HTT-\d{4}-\d{4})\]/.exec(m.parsed.subject ?? "")?.[1]);
    expect(new Set(codes).size).toBe(TOTAL);
  }, 240_000);
});
