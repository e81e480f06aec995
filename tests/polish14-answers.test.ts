import { describe, expect, it } from "vitest";
import { makeDesk } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailDeskOf, sendAsClerk } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Found by the tester (polish14): answers that used words the clerk never saw, or echoed markup and raw MIME.

const letter = (time: string) =>
  `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ${time} với UBND phường Ngọc Hà, nội dung: Hội nghị giao ban. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

describe("a refused booking is named as its clerk was told", () => {
  it("a past session is refused as past its start, not as a «start time» that is a range", async () => {
    const { answer } = await sendAsClerk(letter("từ 9h00 đến 17h00 ngày 27/11/2026"));
    expect(answer).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    expect(answer).not.toContain("Thời gian bắt đầu 09:00–17:00");
    expect(answer).toContain("Phiên họp 09:00–17:00 Thứ Sáu, 27/11/2026 đã quá giờ bắt đầu");
  });

  it("a reply asking to change a refused booking says «KHÔNG BỐ TRÍ ĐƯỢC», not «trạng thái «từ chối»»", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(
      mail({ id: "qua@hanoi.gov.vn", body: letter("từ 9h00 đến 11h00 ngày 27/11/2026"), date: CLERK_DATE }),
      CLERK_NOW,
    );
    const first = await lastAnswer(desk);
    expect(first).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    const code = /HTT-\d{4}-\d{4}/.exec(first)![0];
    await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${code}]`,
        body: "Đề nghị đổi thời gian họp sang 14h00 đến 16h00 ngày 10/12/2026.",
        date: CLERK_DATE,
        headers: { "In-Reply-To": "<qua@hanoi.gov.vn>" },
      }),
      CLERK_NOW,
    );
    const answer = await lastAnswer(desk);
    expect(answer).not.toContain("từ chối");
    expect(answer).toContain(`Lịch họp ${code} đã được trả lời «KHÔNG BỐ TRÍ ĐƯỢC» nên không thể thay đổi`);
  });
});
