import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer, sendAsClerk } from "./support/mail-desk.js";

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

describe("the content after the time, the endpoints or the urgency", () => {
  for (const [said, body, content] of [
    [
      "«họp khẩn trực tuyến lúc 16h00 … về X» (it was «trực tuyến»)",
      "Kính gửi Trung tâm,\nSở Công Thương đề nghị họp khẩn trực tuyến lúc 16h00 ngày 10/12/2026 với UBND phường Ngọc Hà, UBND phường Ba Đình về ứng phó sự cố cháy chợ. Liên hệ Lâm Thị Ngọc 0983210456.",
      "ứng phó sự cố cháy chợ",
    ],
    [
      "«họp gấp trực tuyến vào 15h00 … về X» (it was «gấp trực tuyến»)",
      "Kính gửi Trung tâm,\nSở Công Thương đề nghị họp gấp trực tuyến vào 15h00 ngày 10/12/2026 với UBND phường Ngọc Hà về xử lý vi phạm. Liên hệ Lâm Thị Ngọc 0983210456.",
      "xử lý vi phạm",
    ],
    [
      "«họp trực tuyến lúc 14h00 … với UBND phường Ngọc Hà về việc X» (it was asked for)",
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến lúc 14h00 ngày 10/12/2026 với UBND phường Ngọc Hà về việc kiểm tra chợ Tết. Liên hệ Lâm Thị Ngọc 0983210456.",
      "kiểm tra chợ Tết",
    ],
    [
      "a forwarded Giấy mời «dự cuộc họp trực tuyến về X.», its time on a line below (it was asked for)",
      "Kính gửi Trung tâm Tin học - Công báo,\nVăn phòng Sở chuyển Giấy mời dưới đây, đề nghị Trung tâm bố trí điểm cầu.\n\n---------- Forwarded message ---------\nFrom: Văn phòng Sở Công Thương <vanphong.sct@hanoi.gov.vn>\nSubject: Giấy mời họp\n\nGIẤY MỜI\nSở Công Thương trân trọng kính mời đại diện lãnh đạo UBND phường Ngọc Hà, UBND phường Ba Đình dự cuộc họp trực tuyến về triển khai kế hoạch bình ổn thị trường Tết Nguyên đán 2027.\nThời gian: 8 giờ 30, thứ Năm ngày 10/12/2026.\nĐịa điểm: Phòng họp tầng 3 Sở Công Thương và các điểm cầu trực tuyến.\nLiên hệ: đ/c Nguyễn Văn Hùng, chuyên viên, ĐT 0912 345 678.",
      "triển khai kế hoạch bình ổn thị trường Tết Nguyên đán 2027",
    ],
    [
      "without marks: «hop truc tuyen luc 14h00 … voi UBND phuong Ngoc Ha ve viec X»",
      "Kinh gui Trung tam,\nSo Cong Thuong dang ky hop truc tuyen luc 14h00 ngay 10/12/2026 voi UBND phuong Ngoc Ha ve viec kiem tra cho Tet. Lien he Lam Thi Ngoc 0983210456.",
      "kiem tra cho Tet",
    ],
  ])
    it(said!, async () => {
      const { answer, booking } = await sendAsClerk(body!);
      expect(answer).toContain(`Nội dung: ${content}.`);
      expect(booking!.status).toBe("confirmed");
    });

  it("«với UBND phường Ngọc Hà về 15h00» names no content: it is still asked for", async () => {
    const { answer } = await sendAsClerk(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến lúc 14h00 ngày 10/12/2026 với UBND phường Ngọc Hà, kết thúc về 15h00. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    expect(answer).toContain("Đề nghị bổ sung: nội dung họp");
  });
});

/** A desk holding the clerk's confirmed booking of 09:00–11:00 on Thursday 10/12, and a way to reply in its thread. */
const booked = () =>
  bookedInThread(
    "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
  );

describe("a reply moving the session to another day «cùng tuần»", () => {
  for (const [said, time] of [
    // It was moved to Friday 04/12, the Friday after the mail: six days earlier, for a «lùi».
    [
      "Do lãnh đạo bận, Sở xin lùi cuộc họp sang thứ Sáu cùng tuần, giờ như cũ.",
      "09:00–11:00 Thứ Sáu, 11/12/2026",
    ],
    // Read as the session's own day: 14:00 Thursday, the Friday dropped in silence.
    ["Sở xin lùi cuộc họp sang 14h00 thứ Sáu cùng tuần.", "14:00–16:00 Thứ Sáu, 11/12/2026"],
  ])
    it(`«${said}» is the Friday of the session's week`, async () => {
      const { desk, reply, code } = await booked();
      await reply(said!);
      expect(await lastAnswer(desk, code)).toContain(`Thời gian: ${time}.`);
    });
});

describe("the city hall room named as the directory names it", () => {
  it("«tại phòng họp trực tuyến trụ sở UBND Thành phố» asks for the room, not only invites it", async () => {
    const { answer } = await sendAsClerk(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến 9h00 ngày 10/12/2026 tại phòng họp trực tuyến trụ sở UBND Thành phố, điểm cầu UBND phường Ngọc Hà. Nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    expect(answer).toContain("Phòng họp trực tuyến trụ sở UBND Thành phố (UBND-01)");
    expect(answer).toContain("Phòng họp trực tuyến tại trụ sở UBND Thành phố: có.");
  });
});

describe("a reply adding an endpoint and asking for something else in one sentence", () => {
  for (const said of [
    "Đề nghị bổ sung điểm cầu UBND phường Láng và đề nghị ghi hình phiên họp.",
    "De nghi bo sung diem cau UBND phuong Lang va de nghi ghi hinh phien hop.",
  ])
    it(`«${said}» adds Phường Láng and the recording, and stays confirmed`, async () => {
      const { desk, reply, code } = await booked();
      await reply(said);
      const answer = await lastAnswer(desk, code);
      // The second request was an unknown endpoint «đề nghị ghi hình phiên họp», and the session needed details.
      expect(answer).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(answer).toContain(
        "Điểm cầu (3): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008); Phường Láng (CX-00199).",
      );
      expect(answer).toContain("Ghi hình: có.");
    });
});

describe("«LH» without its colon", () => {
  it("«LH chị Lâm Thị Ngọc 0983210456.» is the contact (it was asked for again)", async () => {
    const { answer, booking } = await sendAsClerk(
      "Chào Trung tâm, Sở CT xin đăng ký họp trực tuyến 8g sáng 10/12/2026 với P. Ngọc Hà, nội dung giao ban. LH chị Lâm Thị Ngọc 0983210456. Cảm ơn!",
    );
    expect(answer).toContain("Đầu mối liên hệ: Lâm Thị Ngọc, 0983210456.");
    expect(booking!.status).toBe("confirmed");
  });
});

describe("«hủy giúp điểm cầu X» in a reply", () => {
  for (const said of [
    "Đề nghị Trung tâm hủy giúp điểm cầu UBND phường Ngọc Hà, thay bằng UBND phường Hoàn Kiếm.",
    "De nghi Trung tam huy giup diem cau UBND phuong Ngoc Ha, thay bang UBND phuong Hoan Kiem.",
  ])
    it(`«${said}» swaps the endpoint and keeps the session (it cancelled the session)`, async () => {
      const { desk, reply, code } = await booked();
      await reply(said);
      const answer = await lastAnswer(desk, code);
      expect(answer).not.toContain("ĐÃ HỦY");
      expect(answer).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(answer).toContain("Điểm cầu (2): Sở Công Thương (SCT-01); Phường Hoàn Kiếm (CX-00070).");
    });
});

describe("a reply moving the end «sớm hơn»", () => {
  it("«Cuộc họp kết thúc sớm hơn, lúc 10h15 ạ.» ends at 10:15 (it moved the start to 10:15)", async () => {
    const { desk, reply, code } = await booked();
    await reply("Cuộc họp kết thúc sớm hơn, lúc 10h15 ạ.");
    expect(await lastAnswer(desk, code)).toContain("Thời gian: 09:00–10:15 Thứ Năm, 10/12/2026.");
  });
});

describe("a reply moving the end by a length", () => {
  it("«Sở xin kết thúc sớm hơn 30 phút.» ends at 10:30 (the whole session moved to 08:30–10:30)", async () => {
    const { desk, reply, code } = await booked();
    await reply("Sở xin kết thúc sớm hơn 30 phút.");
    expect(await lastAnswer(desk, code)).toContain("Thời gian: 09:00–10:30 Thứ Năm, 10/12/2026.");
  });
});

describe("a reply withdrawing the recording with «bỏ»", () => {
  it("«Xin bỏ ghi hình, chỉ họp thôi ạ.» is answered and the recording is off (no answer, the recording kept)", async () => {
    const { desk, reply, code } = await booked();
    await reply("Sở đề nghị bổ sung ghi hình phiên họp.");
    expect(await lastAnswer(desk, code)).toContain("Ghi hình: có.");
    await reply("Xin bỏ ghi hình, chỉ họp thôi ạ.");
    expect(await lastAnswer(desk, code)).toContain("Ghi hình: không.");
  });
});

describe("another agency named as the one registering, from this agency's mailbox", () => {
  const letter = (opening: string) =>
    `Kính gửi Trung tâm,\n${opening} họp trực tuyến 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.`;

  it("«Sở Y tế đăng ký họp …» from Sở Công Thương's mailbox: the clerk is told which host was recorded", async () => {
    const { answer } = await sendAsClerk(letter("Sở Y tế đăng ký"));
    // Sở Y tế was invited as an endpoint of Sở Công Thương's session without a word.
    expect(answer).toContain("Cơ quan chủ trì: Sở Công Thương.");
    expect(answer).toContain(
      "Lưu ý: thư ghi Sở Y tế đăng ký họp nhưng được gửi từ hộp thư của Sở Công Thương; lịch họp ghi cơ quan chủ trì là Sở Công Thương. Nếu Sở Y tế chủ trì, đề nghị Sở Y tế gửi đăng ký từ hộp thư công vụ của mình (Điều 12.2a).",
    );
  });

  for (const opening of [
    "Sở Công Thương phối hợp với Sở Y tế đăng ký",
    "Thực hiện chỉ đạo của UBND Thành phố, Sở Công Thương đề nghị tổ chức",
    "Thực hiện chỉ đạo của UBND Thành phố, đề nghị tổ chức",
  ])
    it(`«${opening} …»: no such note`, async () => {
      const { answer } = await sendAsClerk(letter(opening));
      expect(answer).toContain("Cơ quan chủ trì: Sở Công Thương.");
      expect(answer).not.toContain("được gửi từ hộp thư của");
    });
});

describe("a leader's title names who chairs or directs, not an endpoint", () => {
  for (const body of [
    "Sở Công Thương đăng ký hội nghị trực tuyến do đồng chí Phó Chủ tịch UBND Thành phố Nguyễn Mạnh Quyền chủ trì, thời gian 14h00 ngày 10/12/2026, điểm cầu: UBND phường Ngọc Hà, UBND phường Ba Đình. Nội dung: sơ kết. Liên hệ Lâm Thị Ngọc 0983210456.",
    "Thực hiện chỉ đạo của đồng chí Chủ tịch UBND Thành phố, Sở Công Thương đăng ký họp trực tuyến 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà, UBND phường Ba Đình, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
  ])
    it(body.slice(0, 70), async () => {
      const { answer } = await sendAsClerk(`Kính gửi Trung tâm,\n${body}`);
      // The city hall room (UBND-01) was invited without a word, its line still «không».
      expect(answer).toContain(
        "Điểm cầu (3): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008); Phường Ba Đình (CX-00004).",
      );
      expect(answer).toContain("Phòng họp trực tuyến tại trụ sở UBND Thành phố: không.");
    });

  it("«với Chủ tịch UBND phường Ngọc Hà»: the ward attends, and is invited", async () => {
    const { answer } = await sendAsClerk(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến 9h00 ngày 10/12/2026 với đồng chí Chủ tịch UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    expect(answer).toContain("Điểm cầu (2): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008).");
  });
});
