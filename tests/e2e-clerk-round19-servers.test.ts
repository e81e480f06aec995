import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService } from "./support/service.js";

// The nineteenth clerk round through the running desk (Dovecot, the service, the SMTP sink): what its log says of
// a reply it answered without changing the booking.

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

describe("the log says what was done with a mail answered without a change", () => {
  const { dovecot, sink } = useMailServers();

  it("a reply's question: «answered», its booking and the answer, not «ignored code:null»", async () => {
    const { service, events } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "dk19@hanoi.gov.vn", body: LETTER }));
      await sink.waitFor(1);
      const answer = sink.messages[0]!.parsed;
      await dovecot.append(
        mail({
          id: "q19@hanoi.gov.vn",
          subject: `RE: ${answer.subject}`,
          body: "Cho em hỏi phòng họp của phường có cần chuẩn bị máy chiếu không ạ?",
          headers: { "In-Reply-To": answer.messageId!, References: answer.messageId! },
        }),
      );
      await sink.waitFor(2);
      expect(sink.messages[1]!.parsed.text).toContain("Lịch họp HTT-2026-0001: ĐÃ NHẬN CÂU HỎI.");
    } finally {
      await service.stop();
    }
    const lines = events.filter((e) => e.event === "mail").map((e) => e.fields);
    expect(lines).toEqual([
      { outcome: "registered", key: "<dk19@hanoi.gov.vn>", code: "HTT-2026-0001" },
      {
        outcome: "answered",
        key: "<q19@hanoi.gov.vn>",
        code: "HTT-2026-0001",
        reason: "thư trả lời có câu hỏi, không có đề nghị thay đổi",
        answer: "booking-question-forwarded",
      },
    ]);
  });
});
