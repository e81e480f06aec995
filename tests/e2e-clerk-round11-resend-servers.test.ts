import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService } from "./support/service.js";

// Through the running desk (Dovecot, the service, the SMTP sink): the same registration sent twice (D4), and a
// reply adding an endpoint the directory does not know (D11).

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi

const BODY =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.";

describe("a registration sent twice, then an unknown endpoint asked for, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("answers the second copy with the booking it repeats, and the unknown endpoint with its name", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "lan1@hanoi.gov.vn", body: BODY }));
      await sink.waitFor(1);
      expect(sink.messages[0]!.parsed.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");

      // The same mail again under a new Message-ID: it was refused for clashing with HTT-2026-0001.
      await dovecot.append(mail({ id: "lan2@hanoi.gov.vn", body: BODY }));
      await sink.waitFor(2);
      const again = sink.messages[1]!.parsed;
      expect(again.text).toContain("Lịch họp HTT-2026-0001: ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ.");
      expect(again.text).toContain("09:00–11:00 Thứ Năm, 10/12/2026, trạng thái: đã xác nhận.");
      expect(again.text).not.toContain("KHÔNG BỐ TRÍ ĐƯỢC");
      expect(again.inReplyTo).toBe("<lan2@hanoi.gov.vn>");
      expect(await service.desk.store.read((r) => r.bookings.list({}))).toHaveLength(1);

      // In the thread of the second copy: an endpoint not in the directory. It went unanswered.
      await dovecot.append(
        mail({
          id: "them@hanoi.gov.vn",
          body: "Đề nghị bổ sung điểm cầu Kho bạc XK-21 Sóc Sơn.",
          headers: { "In-Reply-To": "<lan2@hanoi.gov.vn>", References: "<lan2@hanoi.gov.vn>" },
        }),
      );
      await sink.waitFor(3);
      const unknown = sink.messages[2]!.parsed;
      expect(unknown.text).toContain("Lịch họp HTT-2026-0001: CHƯA THÊM ĐƯỢC ĐIỂM CẦU.");
      expect(unknown.text).toContain("«Kho bạc XK-21 Sóc Sơn»");
      const booking = await service.desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
      expect(booking?.status).toBe("confirmed");
      expect(booking?.request.unresolved).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});
