import { describe, expect, it } from "vitest";
import { sendAsClerk } from "./support/mail-desk.js";

// A clerk forwards the agency's Giấy mời with a line of their own (found by the clerk round 13). The invitation's
// title line under «GIẤY MỜI» was not read as the content, and the contact in the clerk's note above the forward was
// dropped: the clerk was asked for both («CẦN BỔ SUNG: nội dung họp; đầu mối liên hệ»).

const note =
  "Kính gửi Trung tâm,\nSở Công Thương chuyển Giấy mời, đề nghị Trung tâm bố trí điểm cầu trực tuyến.\nLiên hệ: Lâm Thị Ngọc, 0983210456.\n";

const invitation = (heading: string) => `${note}
---------- Forwarded message ---------
From: Văn phòng Sở Công Thương <vanphong.sct@hanoi.gov.vn>
Date: Wed, Nov 25, 2026 at 10:12 AM
Subject: Giấy mời họp

UBND THÀNH PHỐ HÀ NỘI
SỞ CÔNG THƯƠNG
Số: 123/GM-SCT
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 25 tháng 11 năm 2026

${heading}

Sở Công Thương trân trọng kính mời đại diện lãnh đạo UBND phường Ngọc Hà, UBND phường Ba Đình dự họp.
Thời gian: 14 giờ 00 phút, thứ Sáu, ngày 11/12/2026.
Địa điểm: tại điểm cầu trực tuyến của các đơn vị.
`;

describe("a forwarded Giấy mời", () => {
  it("is booked with the title under «GIẤY MỜI» as its content and the forwarder's contact", async () => {
    const { booking, answer } = await sendAsClerk(
      invitation("GIẤY MỜI\nHọp trực tuyến sơ kết công tác quản lý thị trường năm 2026"),
    );
    expect(booking!.status).toBe("confirmed");
    expect(booking!.request.title).toBe("sơ kết công tác quản lý thị trường năm 2026");
    expect(booking!.request.contact).toEqual({ name: "Lâm Thị Ngọc", phone: "0983210456" });
    expect(answer).toContain("Nội dung: sơ kết công tác quản lý thị trường năm 2026.");
    expect(answer).not.toContain("Đề nghị bổ sung");
  });

  it("a «V/v …» line under the heading, and a heading typed without diacritics, are read the same", async () => {
    for (const heading of [
      "GIẤY MỜI\n(V/v họp trực tuyến sơ kết công tác quản lý thị trường năm 2026)",
      "GIAY MOI\nHop truc tuyen so ket cong tac quan ly thi truong nam 2026",
    ]) {
      const { booking } = await sendAsClerk(invitation(heading));
      expect(booking!.request.title?.toLowerCase()).toMatch(/^so ket cong tac|^sơ kết công tác/);
    }
  });

  it("«GIẤY MỜI» followed by «Kính gửi:» gives no title of its own", async () => {
    const { booking } = await sendAsClerk(invitation("GIẤY MỜI\nKính gửi: các đơn vị"));
    expect(booking!.request.title).toBeNull();
    expect(booking!.status).toBe("needs-info");
  });
});
