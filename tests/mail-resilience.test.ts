import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, template } from "./support/service.js";

const NOW = new Date("2026-12-07T01:35:00Z");

async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Broken and hostile mail: none may crash the intake; each is quarantined or answered, never dropped. */
function corpus(): { name: string; raw: Buffer }[] {
  const big = randomBytes(20 * 1024 * 1024)
    .toString("base64")
    .replace(/.{76}/g, "$&\r\n");
  const nested = `${"<div>".repeat(20000)}Họp${"</div>".repeat(20000)}`;
  return [
    {
      name: "broken multipart (no closing boundary)",
      raw: Buffer.from(
        `From: <vanthu.sct@hanoi.gov.vn>\r\nMessage-ID: <broken-mime@hanoi.gov.vn>\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary="zzz"\r\n\r\n--zzz\r\nContent-Type: text/plain\r\n\r\n${template(1)}\r\n--zz`,
      ),
    },
    {
      name: "unknown charset",
      raw: Buffer.from(
        `From: <vanthu.sct@hanoi.gov.vn>\r\nMessage-ID: <bad-charset@hanoi.gov.vn>\r\nSubject: =?x-klingon?q?Q=FF?=\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\n\xff\xfe${template(2)}`,
        "binary",
      ),
    },
    {
      name: "20 MB attachment",
      raw: Buffer.from(
        `From: <vanthu.sct@hanoi.gov.vn>\r\nMessage-ID: <huge@hanoi.gov.vn>\r\nSubject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${template(3)}\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${big}\r\n--b--\r\n`,
      ),
    },
    {
      name: "HTML bomb",
      raw: Buffer.from(
        `From: <vanthu.sct@hanoi.gov.vn>\r\nMessage-ID: <html-bomb@hanoi.gov.vn>\r\nSubject: bomb\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<table>${"<tr><td>a</td><td>b</td></tr>".repeat(50000)}</table>${nested}`,
      ),
    },
    { name: "no headers at all", raw: Buffer.from("\r\n\r\n\x00\x01\x02 rác") },
    {
      name: "no sender",
      raw: Buffer.from(`Message-ID: <no-from@hanoi.gov.vn>\r\nSubject: x\r\n\r\n${template(4)}`),
    },
  ];
}

describe("mail intake under failure", () => {
  const { dovecot, sink } = useMailServers();

  it("reconnects after Dovecot restarts and picks up mail that arrived meanwhile", async () => {
    const { service, events } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "truoc@hanoi.gov.vn", body: template(1) }));
      await sink.waitFor(1);
      await dovecot.stop();
      await until(() => events.some((e) => e.event === "imap-reconnect"), 10_000, "a reconnect attempt");
      await dovecot.start();
      // Dovecot is back on the same port and maildir; the intake finds it on its own.
      await dovecot.append(mail({ id: "sau@hanoi.gov.vn", body: template(2, "UBND phường Giảng Võ") }));
      await sink.waitFor(2, 40_000);
      expect(sink.messages[1]!.parsed.inReplyTo).toBe("<sau@hanoi.gov.vn>");
      expect(events.filter((e) => e.event === "imap-connected").length).toBeGreaterThanOrEqual(2);
    } finally {
      await service.stop();
      sink.messages.length = 0;
    }
  }, 90_000);

  it("quarantines or answers every malformed mail, and keeps reading", async () => {
    const dir = tempDir();
    const { service } = await startService(dovecot, sink, dir, NOW, {
      DESK_MAIL_MAX_BYTES: String(10 * 1024 * 1024),
    });
    try {
      const bad = corpus();
      await dovecot.append(
        ...bad.map((b) => b.raw),
        mail({ id: "sau-rac@hanoi.gov.vn", body: template(5, "UBND xã Sóc Sơn") }),
      );
      // Mail is read in UID order: once the good mail after the garbage is answered, all of it was handled.
      await until(
        () => sink.messages.some((m) => m.parsed.inReplyTo === "<sau-rac@hanoi.gov.vn>"),
        90_000,
        "the answer",
      );
      const store = service.desk.store;
      const rows = await store.read((r) => r.inbound.list());
      const byKey = new Map(rows.map((r) => [r.key, r]));
      expect(byKey.get("<huge@hanoi.gov.vn>")).toBeUndefined(); // too big to parse: keyed by its hash
      // Earlier tests' mail is still in the shared INBOX: it is read again by this fresh desk, and answered.
      expect(rows.length).toBeGreaterThanOrEqual(bad.length + 1);
      expect(rows.filter((r) => r.status === "quarantined").length).toBeGreaterThanOrEqual(3);
      expect(byKey.get("<no-from@hanoi.gov.vn>")?.status).toBe("quarantined");
      // Every mail's source is kept with its record, the decided ones included.
      const answered = await store.read((r) => r.inbound.get("mail", "<sau-rac@hanoi.gov.vn>"));
      expect(answered?.raw?.toString()).toContain("Message-ID: <sau-rac@hanoi.gov.vn>");
      for (const r of rows) expect(["quarantined", "decided", "refused", "ignored"]).toContain(r.status);
      // The technicians are told about each quarantined mail.
      const notices = (await store.read((r) => r.outbox.list())).filter((m) => m.kind === "mail-quarantined");
      expect(notices.length).toBe(rows.filter((r) => r.status === "quarantined").length);
    } finally {
      await service.stop();
      sink.messages.length = 0;
    }
  }, 120_000);
});
