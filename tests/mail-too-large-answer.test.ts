import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, TEST_AUTHSERV_ID, template } from "./support/service.js";
import { until } from "./support/until.js";

const NOW = new Date("2026-12-07T01:35:00Z");

/**
 * Found by the tester (polish14), through real Dovecot: a 3 MB registration from an agency's authenticated mailbox
 * (limit 2 MB) was quarantined and its clerk never answered (Điều 12.2b wants an answer to every registration). The
 * clerk is now told in the thread; a mail that may be forged is never answered (no backscatter).
 */
describe("a mail over DESK_MAIL_MAX_BYTES", () => {
  const { dovecot, sink } = useMailServers();

  it("from an authenticated agency mailbox is answered that it is too large and nothing was registered", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW, {
      DESK_MAIL_MAX_BYTES: String(2 * 1024 * 1024),
    });
    try {
      const padding = `\n${"Phụ lục danh sách đại biểu dự họp. ".repeat(90_000)}`;
      await dovecot.append(
        mail({ id: "lon@hanoi.gov.vn", body: template(1) + padding }),
        // The same From, failing the boundary's DMARC: may be forged, so never answered.
        mail({
          id: "gia@hanoi.gov.vn",
          body: template(2) + padding,
          headers: {
            "Authentication-Results": `${TEST_AUTHSERV_ID}; dmarc=fail header.from=hanoi.gov.vn`,
          },
        }),
        mail({ id: "nho@hanoi.gov.vn", body: template(3, "UBND xã Sóc Sơn") }),
      );
      await until(
        async () => sink.messages.find((m) => m.parsed.inReplyTo === "<lon@hanoi.gov.vn>"),
        "the answer to the large mail",
        60_000,
      );
      await until(
        async () => sink.messages.find((m) => m.parsed.inReplyTo === "<nho@hanoi.gov.vn>"),
        "the answer to the small mail after it",
        60_000,
      );
      const answer = sink.messages.find((m) => m.parsed.inReplyTo === "<lon@hanoi.gov.vn>")!;
      expect(answer.parsed.to).toMatchObject({ value: [{ address: "vanthu.sct@hanoi.gov.vn" }] });
      expect(answer.parsed.subject).toBe("Re: Đăng ký lịch họp trực tuyến");
      const text = answer.parsed.text ?? "";
      expect(text).toContain("vượt quá giới hạn 2 MB");
      expect(text).toContain("CHƯA CÓ LỊCH HỌP NÀO ĐƯỢC ĐĂNG KÝ");
      expect(text).toContain("không kèm tệp đính kèm");
      // Recorded as quarantined, no booking; the forged one has no answer at all, queued or sent.
      const store = service.desk.store;
      const rows = await store.read((r) => r.inbound.list("quarantined"));
      expect(rows).toHaveLength(2);
      const bookings = await store.read((r) => r.bookings.list({}));
      expect(bookings).toHaveLength(1);
      const tooLarge = (await store.read((r) => r.outbox.list())).filter((m) => m.kind === "mail-too-large");
      expect(tooLarge.map((m) => (m.payload.thread as { inReplyTo: string }).inReplyTo)).toEqual([
        "<lon@hanoi.gov.vn>",
      ]);
      expect(sink.messages.filter((m) => m.parsed.inReplyTo === "<gia@hanoi.gov.vn>")).toEqual([]);
      // The group's notice names the CLI command as typed, in code formatting, not «mail quarantine».
      const notices = (await store.read((r) => r.outbox.list())).filter((m) => m.kind === "mail-quarantined");
      for (const n of notices) expect(n.payload.groupText).toContain("`npm run cli -- mail quarantine`");
    } finally {
      await service.stop();
      sink.messages.length = 0;
    }
  }, 120_000);
});
