import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bookingCode } from "../src/core/booking/code.js";
import { Store } from "../src/store/store.js";
import { request, sampleDirectory, storedBooking, tempDir } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";
import { DeskProcess, waitUntil } from "./support/desk-process.js";
import { useMailServers } from "./support/mail-servers.js";
import { bookingMails, deskEnv } from "./support/service.js";

// SQLite only (kept out of BOTH_STORES): one file written by the desk process and by the CLI at once.
// Threat: the technician cancels sessions from the CLI while the desk is deciding a mail backlog in long batch
// transactions: the CLI fails with an English SQLITE_BUSY, or its write is lost, or it disturbs the desk.

const MAILS = 250;
const CANCELS = 8;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("the CLI writing while the desk runs on the same SQLite file", () => {
  const { dovecot, sink } = useMailServers();

  it("each CLI cancel commits during a mail backlog, and every mail is still answered once", async () => {
    const path = join(tempDir(), "desk.db");
    const dial = sampleDirectory.endpoints.filter((e) => e.level === "commune" && e.dial).map((e) => e.code);
    const codes = Array.from({ length: CANCELS }, (_, i) => bookingCode(2026, 9300 + i));
    const store = Store.open(path);
    await store.tx(async (r) => {
      await r.directory.replaceAll(sampleDirectory);
      for (const [i, code] of codes.entries()) {
        const start = new Date(Date.UTC(2026, 11, 21 + i, 2));
        const now = new Date();
        const req = request({
          participants: [dial[2 * i]!, dial[2 * i + 1]!],
          start,
          end: new Date(start.getTime() + 3600_000),
        });
        await r.bookings.save(storedBooking(code, "confirmed", req, now));
      }
    });
    await store.close();
    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
    await dovecot.append(...bookingMails("cli", MAILS, communes, "từ 14h00 đến 15h00"));
    const env = {
      ...deskEnv(dovecot, sink, path),
      DESK_IMAP_POLL_SECONDS: "1",
      DESK_REPLY_CAP_PER_SENDER: "1000",
      DESK_LOG_LEVEL: "info",
    };
    const desk = DeskProcess.start(env);
    cleanups.push(() => desk.kill());
    expect(await desk.waitFor("started"), desk.stderr).not.toBeNull();
    await waitUntil("the backlog under way", () => desk.events.some((e) => e.event === "mail"), 60_000);
    // Answers to the backlog (the cancels' notices to their clerks go to the same sink).
    const answers = () => sink.messages.filter((m) => m.parsed.inReplyTo?.startsWith("<cli-"));
    const answered = () => new Set(answers().map((m) => m.parsed.inReplyTo)).size;
    const results: string[] = [];
    for (const code of codes) {
      const res = await cliHere(["booking", "cancel", code, "--reason", "cơ quan chủ trì báo hoãn"], {
        DESK_DB: path,
      });
      results.push(res.error ? `${code}: ${res.error.message}` : `${code}: ok`);
    }
    const during = desk.events.filter((e) => e.event === "mail").length;
    expect(results).toEqual(codes.map((c) => `${c}: ok`));
    await waitUntil("every mail answered", () => answered() >= MAILS, 120_000);
    desk.child.kill("SIGTERM");
    expect((await desk.exited).code).toBe(0);
    console.log(`cli beside the desk: ${CANCELS} cancels done when ${during}/${MAILS} mails were decided`);
    const check = Store.open(path);
    cleanups.push(() => check.close());
    for (const code of codes)
      expect((await check.read((r) => r.bookings.get(code)))!.status, code).toBe("cancelled");
    const byMail = new Map<string, Set<string>>();
    for (const m of answers()) {
      const set = byMail.get(m.parsed.inReplyTo ?? "") ?? new Set();
      set.add(m.parsed.messageId ?? "");
      byMail.set(m.parsed.inReplyTo ?? "", set);
    }
    expect(byMail.size).toBe(MAILS);
    for (const [id, answers] of byMail) expect(answers.size, `answers to ${id}`).toBe(1);
  }, 240_000);
});
