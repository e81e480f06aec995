import { describe, expect, it } from "vitest";
import { makeDesk } from "./helpers.js";
import {
  CLERK_DATE,
  CLERK_NOW,
  lastAnswer,
  mailAnswers,
  mailDeskOf,
  sendAsClerk,
} from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Clerk mails from the e2e11 round (read end to end as the clerk would). `it`: fixed, and proved here. `it.fails`:
// a defect still open (see issue notes); it passes while the defect stands and turns red when it is fixed, and
// then becomes an `it`.

const letter = (time: string, more = "nội dung: giao ban") =>
  `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ${time} với UBND phường Ngọc Hà, ${more}. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

describe("a number before a label colon is no hour («số 3:», «Phiên 1:», «Mục 2:»)", () => {
  it("«bão số 3: … lúc 17h00» books 17:00, not 15:00–17:00", async () => {
    const { answer } = await sendAsClerk(
      "Kính gửi Trung tâm,\nHọp khẩn phòng chống bão số 3: Sở Công Thương đăng ký họp trực tuyến lúc 17h00 ngày 10/12/2026 với UBND xã Quốc Oai, nội dung: ứng phó bão. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    expect(answer).toContain("Thời gian: 17:00–19:00 Thứ Năm, 10/12/2026.");
  });

  it("«1. Phiên 1: 8h00 - 10h00 …» books 08:00–10:00, not 13:00–08:00", async () => {
    const { answer } = await sendAsClerk(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký 02 phiên họp trực tuyến như sau:\n1. Phiên 1: 8h00 - 10h00 ngày 14/12/2026, điểm cầu: UBND phường Ngọc Hà. Nội dung: Giao ban.\n2. Phiên 2: 14h00 - 16h00 ngày 15/12/2026, điểm cầu: UBND xã Quốc Oai. Nội dung: Tập huấn.\nLiên hệ: chị Lâm Thị Ngọc 0983 210 456.",
    );
    expect(answer).toContain("Thời gian: 08:00–10:00 Thứ Hai, 14/12/2026.");
  });

  it("«(Mục 2: thời gian từ 14h00 đến 15h00)» books 14:00–15:00", async () => {
    const { answer } = await sendAsClerk(letter("ngày 16/12/2026 (Mục 2: thời gian từ 14h00 đến 15h00)"));
    expect(answer).toContain("Thời gian: 14:00–15:00 Thứ Tư, 16/12/2026.");
  });
});

describe("a period word after a comma belongs to what follows", () => {
  it("«cả ngày 15/12/2026 (sáng từ 8h00, chiều từ 14h00)» starts at 08:00, not 20:00", async () => {
    const { answer } = await sendAsClerk(letter("cả ngày 15/12/2026 (sáng từ 8h00, chiều từ 14h00)"));
    expect(answer).not.toContain("20:00");
  });
});

describe("two days in one phrase", () => {
  it("«các ngày 10 và 11/12/2026» books or names both days, not 11/12 alone in silence", async () => {
    const { answer } = await sendAsClerk(letter("từ 14h đến 16h các ngày 10 và 11/12/2026"));
    expect(answer).toContain("10/12/2026");
  });
});

describe("end and length as clerks write them", () => {
  it("«kết thúc khoảng 16 giờ» ends at 16:00", async () => {
    const { answer } = await sendAsClerk(letter("lúc 14 giờ 30 ngày 11/12/2026, kết thúc khoảng 16 giờ,"));
    expect(answer).toContain("Thời gian: 14:30–16:00 Thứ Sáu, 11/12/2026.");
  });

  it("«trong thời gian 1 tiếng 30 phút» ends 90 minutes later", async () => {
    const { answer } = await sendAsClerk(
      letter("lúc 14h00, thứ Năm (10/12/2026), trong thời gian 1 tiếng 30 phút"),
    );
    expect(answer).toContain("Thời gian: 14:00–15:30 Thứ Năm, 10/12/2026.");
  });

  it("«9 giờ kém 15» is 08:45", async () => {
    const { answer } = await sendAsClerk(letter("lúc 9 giờ kém 15 ngày 14/12/2026"));
    expect(answer).toContain("Thời gian: 08:45");
  });
});

describe("content and contact written inline", () => {
  it("«…, nội dung sơ kết quý IV.» is the content, not «2 giờ chiều»", async () => {
    const { answer } = await sendAsClerk(letter("2 giờ chiều ngày 22/12/2026", "nội dung sơ kết quý IV"));
    expect(answer).toContain("Nội dung: sơ kết quý IV.");
  });

  it("«ND: …» and «LH: …» are content and contact", async () => {
    const { answer } = await sendAsClerk(
      "Chào Trung tâm, Sở CT đăng ký họp 8h30-10h sáng 18/12/2026, điểm cầu P. Ngọc Hà. ND: giao ban tuần. LH: Lâm Thị Ngọc 0983210456.",
    );
    expect(answer).toContain("Nội dung: giao ban tuần.");
  });
});

describe("mail threads (found by e2e11)", () => {
  const stpBooking = (id: string, from: string, body: string, headers: Record<string, string> = {}) =>
    mail({ id, from, body, date: CLERK_DATE, headers });

  it("the same registration sent twice is not refused for clashing with itself", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const body = letter("từ 9h00 đến 11h00 ngày 14/12/2026");
    await md.handle(mail({ id: "lan1@hanoi.gov.vn", body, date: CLERK_DATE }), CLERK_NOW);
    await md.handle(mail({ id: "lan2@hanoi.gov.vn", body, date: CLERK_DATE }), CLERK_NOW);
    const answer = await lastAnswer(desk);
    expect(answer).not.toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    // It is the booking already held: named with its state and time, and nothing new is opened.
    const bookings = await desk.store.read((r) => r.bookings.list({}));
    expect(bookings.map((b) => b.code)).toEqual([bookings[0]!.code]);
    expect(answer).toContain(`Lịch họp ${bookings[0]!.code}: ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ.`);
    expect(answer).toContain("09:00–11:00 Thứ Hai, 14/12/2026");
    expect(answer).toContain("trạng thái: đã xác nhận");
  });

  it("a change from the agency's other mailbox warns the registering mailbox, not the requester", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(
      stpBooking(
        "stp-own@hanoi.gov.vn",
        "vanthu.stp@hanoi.gov.vn",
        "Kính gửi Trung tâm,\nSở Tư pháp đăng ký họp trực tuyến từ 14h00 đến 16h00 ngày 15/12/2026 với UBND phường Ngọc Hà, nội dung: tập huấn. Liên hệ Cao Văn Sơn 0912345678.",
      ),
      CLERK_NOW,
    );
    await md.handle(
      stpBooking(
        "stp-doi@hanoi.gov.vn",
        "vanphong.stp@hanoi.gov.vn",
        "Đề nghị đổi sang 15h00 đến 17h00 cùng ngày.",
        {
          "In-Reply-To": "<stp-own@hanoi.gov.vn>",
          References: "<stp-own@hanoi.gov.vn>",
        },
      ),
      CLERK_NOW,
    );
    // The answers to the change (the first answer, to the registration, is left out).
    const toChange = (await mailAnswers(desk)).filter((m) => String(m.payload.text).includes("15:00–17:00"));
    const to = (mailbox: string) => toChange.filter((m) => m.recipient === mailbox);
    // The registering mailbox holds the thread: it hears first that another mailbox asked, and to speak up.
    const [main, ...more] = to("vanthu.stp@hanoi.gov.vn");
    expect(more).toEqual([]);
    expect(String(main!.payload.text)).toMatch(
      /^Hòm thư vanphong\.stp@hanoi\.gov\.vn của cơ quan vừa gửi đề nghị về lịch họp HTT-\S+ do hòm thư này đăng ký/,
    );
    expect(String(main!.payload.text)).toContain("Nếu cơ quan không gửi đề nghị này");
    // The asker has its answer as a copy, without being told to report itself.
    const [asked] = to("vanphong.stp@hanoi.gov.vn");
    expect(String(asked!.payload.text)).toContain("thư trả lời chính gửi hòm thư đó");
    expect(String(asked!.payload.text)).not.toContain("Nếu cơ quan không gửi đề nghị này");
  });
});
