import { describe, expect, it } from "vitest";
import { sendAsClerk } from "./support/mail-desk.js";

// Clerk mails from the e2e12 round (read end to end as the clerk would): each `it` a defect found and fixed.

describe("a letter written in one paragraph after «Kính gửi Trung tâm,»", () => {
  for (const [said, body] of [
    [
      "with marks",
      "Kính gửi Trung tâm, Sở Công Thương xin đăng ký họp trực tuyến lúc 14h00 ngày 11/12/2026 với UBND phường Kim Liên, nội dung: kiểm tra ATTP. Liên hệ Lâm Thị Ngọc 0983210456",
    ],
    [
      "without marks",
      "Kinh gui Trung tam, So Cong Thuong xin dang ky hop truc tuyen luc 14h00 ngay 11/12/2026 voi UBND phuong Kim Lien, noi dung: kiem tra ATTP. Lien he Lam Thi Ngoc 0983210456",
    ],
  ])
    it(`${said}: the endpoints in the paragraph are invited, not cut with the addressee`, async () => {
      const { answer, booking } = await sendAsClerk(body!);
      expect(answer).toContain("Phường Kim Liên (CX-00229)");
      expect(booking!.status).toBe("confirmed");
    });

  it("«Kính gửi: Trung tâm …, Văn phòng UBND Thành phố» alone on its line still invites neither", async () => {
    const { answer } = await sendAsClerk(
      "Kính gửi: Trung tâm Tin học - Công báo, Văn phòng UBND Thành phố\nSở Công Thương đăng ký họp trực tuyến lúc 14h00 ngày 11/12/2026 với UBND phường Kim Liên, nội dung: kiểm tra ATTP. Liên hệ Lâm Thị Ngọc 0983210456",
    );
    expect(answer).not.toContain("VPUB-01");
    expect(answer).toContain("Điểm cầu (2)");
  });
});
