import { chownSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sampleDirectory, tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { IMAP_USER } from "./support/servers.js";
import { bookingMails, mail, startService, template } from "./support/service.js";
import { until } from "./support/until.js";

const NOW = new Date("2026-12-07T01:35:00Z");
/** Debian's `nobody` (and `nogroup`): the mail user of the test Dovecot (tests/support/servers.ts). */
const NOBODY = 65534;

/** Each answered mail's Message-ID with how many answers it got (by the answer's own Message-ID, and in all). */
function answers(messages: { parsed: { inReplyTo?: string; messageId?: string } }[]) {
  const by = new Map<string, string[]>();
  for (const m of messages) {
    const key = m.parsed.inReplyTo ?? "";
    by.set(key, [...(by.get(key) ?? []), m.parsed.messageId ?? ""]);
  }
  return by;
}

describe("Dovecot restarted under the desk", () => {
  const { dovecot, sink } = useMailServers();

  /** Mail delivered straight into the INBOX maildir while Dovecot is down, as the MTA's LDA would. */
  function deliverWhileDown(raws: Buffer[]): void {
    const box = join(dovecot.dir, "mail", IMAP_USER);
    for (const [i, raw] of raws.entries()) {
      const name = `${Date.now()}.M${i}P${process.pid}.chaos`;
      writeFileSync(join(box, "tmp", name), raw, { mode: 0o644 });
      chownSync(join(box, "tmp", name), NOBODY, NOBODY);
      // Maildir: written in tmp/, then moved into new/ in one rename.
      renameSync(join(box, "tmp", name), join(box, "new", name));
    }
    expect(readdirSync(join(box, "new")).length).toBeGreaterThanOrEqual(raws.length);
  }

  it("while IDLE: reconnects by itself and answers once each mail that landed while it was down", async () => {
    const { service, events } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "idle-truoc@hanoi.gov.vn", body: template(1) }));
      await sink.waitFor(1);
      await dovecot.stop();
      const down = Date.now();
      await until(() => events.some((e) => e.event === "imap-reconnect"), "a reconnect attempt", 10_000);
      deliverWhileDown(
        bookingMails(
          "idle-trong",
          3,
          ["UBND phường Giảng Võ", "UBND xã Sóc Sơn", "UBND phường Ba Đình"],
          "từ 14h00 đến 15h00",
        ),
      );
      // Down for ten seconds: the reconnect back-off grows meanwhile (1, 2, 4, 8 s…, capped at 60 s).
      await new Promise((r) => setTimeout(r, 10_000 - (Date.now() - down)));
      const connectedBefore = events.filter((e) => e.event === "imap-connected").length;
      await dovecot.start();
      const back = Date.now();
      await until(
        () => events.filter((e) => e.event === "imap-connected").length > connectedBefore,
        "the reconnection",
      );
      const reconnectMs = Date.now() - back;
      await sink.waitFor(4, 30_000);
      console.log(`chaos-imap idle: down 10 s, reconnected ${reconnectMs} ms after Dovecot was back`);
      expect(reconnectMs).toBeLessThan(20_000);
      // One more round of polling, then: one answer each, nothing twice.
      await new Promise((r) => setTimeout(r, 3_000));
      const by = answers(sink.messages);
      for (let i = 0; i < 3; i++) expect(by.get(`<idle-trong-${i}@hanoi.gov.vn>`)).toHaveLength(1);
      expect(sink.messages).toHaveLength(4);
    } finally {
      await service.stop();
      sink.messages.length = 0;
    }
  }, 60_000);

  it("mid-backlog: stopped while a backlog is being read, started again; every mail answered exactly once", async () => {
    const total = 160;
    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
    // Mail left in INBOX by the test before is read again by this fresh desk, and answered.
    const earlier = (await dovecot.flags()).size;
    await dovecot.append(...bookingMails("giua", total, communes, "từ 09h00 đến 10h00"));
    const t0 = Date.now();
    const { service, events } = await startService(dovecot, sink, tempDir(), NOW, {
      DESK_REPLY_CAP_PER_SENDER: "1000",
    });
    try {
      const expected = total + earlier;
      // Stopped as soon as the first batch (at most 50 mails, one transaction) is committed: the others are not read.
      const decided = () => service.desk.store.read((r) => r.inbound.list()).then((rows) => rows.length);
      await until(async () => (await decided()) > 0, "the first batch");
      await dovecot.stop();
      const decidedWhenStopped = await decided();
      await until(() => events.some((e) => e.event === "imap-reconnect"), "a reconnect attempt", 10_000);
      await new Promise((r) => setTimeout(r, 3_000));
      await dovecot.start();
      const t1 = Date.now();
      await sink.waitFor(expected, 90_000);
      console.log(
        `chaos-imap backlog: ${t1 - t0} ms to the restart, ${Date.now() - t1} ms from it to the last answer`,
      );
      await new Promise((r) => setTimeout(r, 3_000));
      console.log(`chaos-imap backlog: stopped after ${decidedWhenStopped}/${expected} mails decided`);
      expect(decidedWhenStopped).toBeLessThan(expected);
      const by = answers(sink.messages);
      for (let i = 0; i < total; i++) expect(by.get(`<giua-${i}@hanoi.gov.vn>`), `giua-${i}`).toHaveLength(1);
      expect(sink.messages).toHaveLength(expected);
      // Every mail flagged done on the server once it is back.
      const flags = await dovecot.flags();
      expect([...flags.values()].filter((f) => !f.includes("$Processed"))).toEqual([]);
    } finally {
      await service.stop();
      sink.messages.length = 0;
    }
  }, 120_000);
});
