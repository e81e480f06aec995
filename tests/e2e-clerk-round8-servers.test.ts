import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, template } from "./support/service.js";

// The eighth clerk round through the running desk: Dovecot, the service, the SMTP sink.

const NOW = new Date("2026-11-30T02:10:00Z"); // Monday 09:10 in Hanoi

describe("a forward of a forward, and a thank-you signed without «Trân trọng,», through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("the innermost mail is booked at its hour; the signature's office hours move nothing", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(
        mail({
          id: "fwd@hanoi.gov.vn",
          subject: "Fwd: Fwd: Đăng ký lịch họp trực tuyến",
          body: `---------- Forwarded message ---------
From: Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>
Date: Mon, Nov 30, 2026 at 8:40 AM
Subject: Fwd: Đăng ký lịch họp trực tuyến
To: <kythuat@hanoi.gov.vn>


---------- Forwarded message ---------
From: Lâm Thị Ngọc <ngoc.lt@gmail.com>
Date: Mon, Nov 30, 2026 at 8:30 AM
Subject: Đăng ký lịch họp trực tuyến
To: <vanthu.sct@hanoi.gov.vn>

${template(1)}`,
        }),
      );
      await sink.waitFor(1);
      const confirmed = sink.messages[0]!.parsed;
      // It was asked for every field: the second marker cut the forwarded mail to nothing.
      expect(confirmed.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(confirmed.text).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
      const ics = confirmed.attachments.find((a) => a.contentType.startsWith("text/calendar"));
      // 09:00 in Hanoi is 02:00 UTC.
      expect(ics?.content.toString()).toContain("DTSTART:20261210T020000Z");

      await dovecot.append(
        mail({
          id: "cam-on@hanoi.gov.vn",
          subject: "Re: [HTT-2026-0001] Đăng ký lịch họp trực tuyến",
          body: "Cảm ơn Trung tâm.\nLâm Thị Ngọc\nVăn phòng Sở Công Thương\nGiờ làm việc: 8h00-17h00 từ thứ Hai đến thứ Sáu\nSố 12 Lê Lai, phường Hoàn Kiếm",
          headers: { "In-Reply-To": `<${confirmed.messageId!.replace(/[<>]/g, "")}>` },
        }),
      );
      // A mail after the thank-you: its answer proves the thank-you was handled and answered nothing.
      await dovecot.append(
        mail({ id: "sau@hanoi.gov.vn", body: template(2, undefined, "từ 14h00 đến 16h00 ngày 11/12/2026") }),
      );
      await sink.waitFor(2);
      // The thank-you moved the session to 08:00–17:00 Monday 07/12/2026 and invited Hoàn Kiếm, answered in words.
      expect(sink.messages.some((m) => m.parsed.text?.includes("Lịch họp HTT-2026-0002: ĐÃ XÁC NHẬN."))).toBe(
        true,
      );
      expect(sink.messages.filter((m) => m.parsed.text?.includes("HTT-2026-0001"))).toHaveLength(1);
    } finally {
      await service.stop();
    }
  });
});
