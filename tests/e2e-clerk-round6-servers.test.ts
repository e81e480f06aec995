import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, template } from "./support/service.js";

// The sixth clerk round through the running desk: Dovecot, the service, the SMTP sink.

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi

describe("a cancellation without a code, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("«xin hủy lịch họp ngày 10/12/2026» is answered with the sessions to choose from, and a thank-you gets nothing", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "goc@hanoi.gov.vn", body: template(1) }));
      await sink.waitFor(1);
      const confirmed = sink.messages[0]!.parsed;
      expect(confirmed.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");

      // A thank-you in the thread that repeats the day: no answer (the next mail's answer is the second one).
      await dovecot.append(
        mail({
          id: "cam-on@hanoi.gov.vn",
          subject: confirmed.subject!,
          body: "Đã nhận được lịch họp ngày 10/12/2026, cảm ơn Trung tâm.",
          headers: { "In-Reply-To": confirmed.messageId!, References: confirmed.messageId! },
        }),
      );
      await dovecot.append(
        mail({
          id: "huy@hanoi.gov.vn",
          subject: "Hủy lịch họp",
          body: "Kính gửi Trung tâm,\nSở Công Thương xin hủy lịch họp ngày 10/12/2026.\nTrân trọng.",
        }),
      );
      await sink.waitFor(2);
      const asked = sink.messages[1]!.parsed;
      expect(asked.inReplyTo).toBe("<huy@hanoi.gov.vn>");
      expect(asked.text).toContain(
        "Thư đề nghị hủy lịch họp nhưng không nêu mã lịch (HTT-…) nên chưa có lịch họp nào bị hủy.",
      );
      expect(asked.text).toContain("- HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): Phiên họp số 1");
      // No invite withdrawn, none sent for a new booking.
      expect(asked.attachments.some((a) => a.contentType.startsWith("text/calendar"))).toBe(false);
      expect(sink.messages).toHaveLength(2);
    } finally {
      await service.stop();
    }
  });
});
