import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, template } from "./support/service.js";

// The seventh clerk round through the running desk: Dovecot, the service, the SMTP sink.

const NOW = new Date("2026-12-01T02:10:00Z"); // Tuesday 09:10 in Hanoi

describe("a move naming the session's content, and an English date, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("«Đề nghị dời cuộc họp Phiên họp số 1 … sang 15h» books nothing new; «December 11, 2026» is read", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "goc@hanoi.gov.vn", body: template(1) }));
      await sink.waitFor(1);
      expect(sink.messages[0]!.parsed.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");

      await dovecot.append(
        mail({
          id: "doi@hanoi.gov.vn",
          subject: "Đề nghị dời lịch họp",
          body: "Kính gửi Trung tâm,\nĐề nghị dời cuộc họp Phiên họp số 1 của Sở Công Thương sang 15h ngày 11/12/2026.\nTrân trọng.",
        }),
      );
      await sink.waitFor(2);
      const asked = sink.messages[1]!.parsed;
      expect(asked.inReplyTo).toBe("<doi@hanoi.gov.vn>");
      // It was booked as HTT-2026-0002 «Phiên họp số 1 của Sở Công Thương sang 15h», asking for the endpoints.
      expect(asked.text).toContain("chưa có lịch họp nào được thay đổi");
      expect(asked.text).toContain("- HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): Phiên họp số 1");
      expect(asked.text).not.toContain("HTT-2026-0002");
      expect(asked.attachments.some((a) => a.contentType.startsWith("text/calendar"))).toBe(false);

      await dovecot.append(
        mail({ id: "en@hanoi.gov.vn", body: template(2, undefined, "9:00 - 11:00, December 11, 2026") }),
      );
      await sink.waitFor(3);
      const english = sink.messages[2]!.parsed;
      expect(english.text).toContain("Lịch họp HTT-2026-0002: ĐÃ XÁC NHẬN.");
      expect(english.text).toContain("Thời gian: 09:00–11:00 Thứ Sáu, 11/12/2026.");
      const ics = english.attachments.find((a) => a.contentType.startsWith("text/calendar"));
      // 09:00 in Hanoi is 02:00 UTC.
      expect(ics?.content.toString()).toContain("DTSTART:20261211T020000Z");
    } finally {
      await service.stop();
    }
  });
});
