import { describe, expect, it } from "vitest";
import { at, makeDesk } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Found by trying the desk as a clerk (seventh round): today is Tuesday 01/12/2026.

const NOW = at("2026-12-01", "09:10");
const DATE = "Tue, 01 Dec 2026 09:00:00 +0700";

const FORM = (time: string, title = "Giao ban công tác tháng 12") => `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: ${time}
- Nội dung họp: ${title}
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`;

/** A fresh desk, the mails sent in order at NOW; what it holds and answered last. */
async function send(...bodies: string[]) {
  const desk = await makeDesk();
  const md = mailDeskOf(desk);
  let outcome: Awaited<ReturnType<typeof md.handle>> | undefined;
  for (const [i, body] of bodies.entries())
    outcome = await md.handle(mail({ id: `m${i}@hanoi.gov.vn`, body, date: DATE }), NOW);
  const bookings = await desk.store.read((r) => r.bookings.list({}));
  return { desk, outcome, bookings, answer: await lastAnswer(desk) };
}

describe("a new mail moving a session it names by its content books nothing new", () => {
  const booked = [
    FORM("từ 09h00 đến 11h00 ngày 10/12/2026"),
    FORM("từ 14h00 đến 16h00 ngày 10/12/2026", "Triển khai kế hoạch chuyển đổi số năm 2027"),
  ];
  for (const move of [
    "Kính gửi Trung tâm Tin học - Công báo,\nĐề nghị dời cuộc họp giao ban công tác tháng 12 của Sở Công Thương sang 15h ngày 11/12/2026.\nTrân trọng.",
    "Sở Công Thương đề nghị chuyển cuộc họp Giao ban công tác tháng 12 sang 14h00 ngày 11/12/2026. Liên hệ: Lâm Thị Ngọc, 0983 210 456",
    "De nghi doi cuoc hop giao ban cong tac thang 12 sang 15h ngay 11/12/2026. Tran trong.",
  ])
    it(move.split("\n").at(-2) ?? move, async () => {
      const { outcome, bookings, answer } = await send(...booked, move);
      // It was booked as a third session «giao ban công tác tháng 12 … sang 15h» asking for the endpoints.
      expect(outcome).toMatchObject({ kind: "ignored" });
      expect(bookings.map((b) => [b.code, b.status])).toEqual([
        ["HTT-2026-0001", "confirmed"],
        ["HTT-2026-0002", "confirmed"],
      ]);
      expect(answer).toContain("chưa có lịch họp nào được thay đổi");
      expect(answer).toContain(
        "Hệ thống hiểu thư nói về lịch họp sau của Sở Công Thương:\n- HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): Giao ban công tác tháng 12",
      );
      expect(answer).toContain("«Đổi giờ họp [HTT-2026-0001]»");
      expect(answer).not.toContain("HTT-2026-0002");
      expect(answer).not.toContain("HTT-2026-0003");
    });

  it("two sessions with the content named: the one on the day the mail names is understood", async () => {
    const { bookings, answer } = await send(
      FORM("từ 09h00 đến 11h00 ngày 10/12/2026"),
      FORM("từ 09h00 đến 11h00 ngày 17/12/2026"),
      "Đề nghị dời cuộc họp giao ban công tác tháng 12 ngày 17/12/2026 sang 15h ngày 18/12/2026.",
    );
    expect(bookings).toHaveLength(2);
    expect(answer).toContain(
      "Hệ thống hiểu thư nói về lịch họp sau của Sở Công Thương:\n- HTT-2026-0002 (09:00–11:00 Thứ Năm, 17/12/2026): Giao ban công tác tháng 12",
    );
    expect(answer).not.toContain("HTT-2026-0001");
  });

  it("a move naming content no session has, and only the new day, lists the agency's coming sessions", async () => {
    const { bookings, answer } = await send(
      ...booked,
      "Đề nghị dời cuộc họp sơ kết quý IV sang 15h ngày 11/12/2026.",
    );
    expect(bookings).toHaveLength(2);
    expect(answer).toContain("Các lịch họp sắp tới của Sở Công Thương:");
    expect(answer).toContain("- HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026)");
    expect(answer).toContain("- HTT-2026-0002 (14:00–16:00 Thứ Năm, 10/12/2026)");
  });

  it("a registration whose content speaks of moving a meeting is still booked", async () => {
    const { outcome } = await send(
      FORM("từ 14h00 đến 16h00 ngày 10/12/2026", "Phương án chuyển cuộc họp thường niên sang trực tuyến"),
    );
    expect(outcome).toMatchObject({ kind: "registered" });
  });

  it("a registration whose content speaks of a transformation is still booked", async () => {
    const { outcome } = await send(
      FORM("từ 14h00 đến 16h00 ngày 10/12/2026", "Chuyển đổi cuộc họp giấy sang họp không giấy"),
    );
    expect(outcome).toMatchObject({ kind: "registered" });
  });
});

describe("a weekday of a week named by the year or month is that week's, not next week's", () => {
  for (const [time, said] of [
    // It was confirmed for Monday 07/12/2026, next week's, with no word.
    ["từ 9h00 đến 11h00 thứ Hai tuần đầu năm 2027", "09:00–11:00 Thứ Hai, 04/01/2027"],
    ["từ 9h00 đến 11h00 thứ Hai đầu tiên của tháng 1", "09:00–11:00 Thứ Hai, 04/01/2027"],
    ["từ 9h00 đến 11h00, thứ Ba tuần đầu tháng 1/2027", "09:00–11:00 Thứ Ba, 05/01/2027"],
    ["từ 9h00 đến 11h00 thứ Sáu tuần đầu năm mới", "09:00–11:00 Thứ Sáu, 01/01/2027"],
    ["từ 9h00 đến 11h00 thứ Hai tuần sau nữa", "09:00–11:00 Thứ Hai, 14/12/2026"],
  ] as const)
    it(time, async () => {
      const { bookings, answer } = await send(FORM(time));
      expect(bookings).toHaveLength(1);
      expect(answer).toContain(`Thời gian: ${said}.`);
    });

  it("a week the desk cannot place is quoted back, not read as next week", async () => {
    const { bookings, answer } = await send(FORM("từ 9h00 đến 11h00 thứ Hai tuần cuối tháng 12"));
    expect(bookings[0]?.status).toBe("needs-info");
    expect(answer).toContain("Thời gian: (chưa rõ thời gian).");
    expect(answer).toContain("chưa hiểu ngày họp «thứ Hai tuần cuối tháng 12»");
  });
});

describe("English month names are read, in English and mixed mails", () => {
  for (const [time, said] of [
    // Each was asked «chưa thấy ngày họp» though the day was written.
    ["9h00-11h00 December 10, 2026", "09:00–11:00 Thứ Năm, 10/12/2026"],
    ["9:00 - 11:00, 10 Dec 2026", "09:00–11:00 Thứ Năm, 10/12/2026"],
    ["9:00 AM - 11:00 AM, Thursday, December 10th", "09:00–11:00 Thứ Năm, 10/12/2026"],
    // A month already past this year is next year's, and the answer says which.
    ["9h00 đến 11h00 ngày Jan 5", "09:00–11:00 Thứ Ba, 05/01/2027"],
    ["từ 9h đến 11h ngày 5 January", "09:00–11:00 Thứ Ba, 05/01/2027"],
    // «Dec 10 đến 11h»: the day is no range's first hour.
    ["9h30 Dec 10 đến 11h", "09:30–11:00 Thứ Năm, 10/12/2026"],
  ] as const)
    it(time, async () => {
      const { bookings, answer } = await send(FORM(time));
      expect(bookings[0]?.status).toBe("confirmed");
      expect(answer).toContain(`Thời gian: ${said}.`);
    });

  it("an English mail: «on Dec 10 from 9:00 to 11:00»", async () => {
    const { answer } = await send(
      "Sở Công Thương registers an online meeting on Dec 10 from 9:00 to 11:00 with UBND phường Ngọc Hà. Topic: giao ban. Contact: Lâm Thị Ngọc, 0983 210 456",
    );
    expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
  });

  it("Vietnamese words that fold to a month name are no month («mây», «sếp», «may»)", async () => {
    const { answer } = await send(
      FORM("từ 9h00 đến 11h00, sếp 5 người dự, may 2 phòng").replace(
        "Thời gian đăng ký họp:",
        "Thời gian đăng ký họp: ngày 10/12/2026",
      ),
    );
    expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    expect(answer).not.toContain("nhiều ngày");
  });
});

describe("a refusal's alternatives keep out of the midday break (12:00–13:00)", () => {
  const OTHER = (time: string) =>
    FORM(time, "Họp chuyên đề").replace("Giao ban công tác tháng 12", "Họp chuyên đề");
  it("an afternoon request whose afternoon is taken is offered morning slots ending by 12:00", async () => {
    const { bookings, answer } = await send(
      FORM("từ 14h00 đến 17h00 ngày 10/12/2026"),
      OTHER("từ 14h00 đến 16h00 ngày 10/12/2026"),
    );
    expect(bookings[1]?.status).toBe("rejected");
    // It offered 10:30–12:30, 11:00–13:00 and 11:30–13:30: across the lunch hour.
    expect(answer).toContain("  • 09:00–11:00 Thứ Năm, 10/12/2026");
    expect(answer).toContain("  • 10:00–12:00 Thứ Năm, 10/12/2026");
    for (const across of ["10:30–12:30", "11:00–13:00", "11:30–13:30"]) expect(answer).not.toContain(across);
  });

  it("a morning request whose morning is taken is offered the afternoon from 13:00", async () => {
    const { answer } = await send(
      FORM("từ 08h00 đến 11h00 ngày 10/12/2026"),
      OTHER("từ 10h00 đến 12h00 ngày 10/12/2026"),
    );
    expect(answer).toContain("  • 13:00–15:00 Thứ Năm, 10/12/2026");
    expect(answer).not.toContain("11:30–13:30");
    expect(answer).not.toContain("12:00–14:00");
  });

  it("a request across the break itself may be offered one across it", async () => {
    const { answer } = await send(
      FORM("từ 08h00 đến 17h00 ngày 10/12/2026"),
      OTHER("từ 09h00 đến 15h00 ngày 10/12/2026"),
    );
    expect(answer).toContain("  • 10:30–16:30 Thứ Tư, 09/12/2026");
    expect(answer).toContain("  • 07:30–13:30 Thứ Sáu, 11/12/2026");
  });
});

describe("the year's turn: a day with no year is the nearest one", () => {
  async function sendAt(now: Date, time: string) {
    const desk = await makeDesk();
    const outcome = await mailDeskOf(desk).handle(
      mail({ id: "y@hanoi.gov.vn", body: FORM(time), date: now.toUTCString().replace("GMT", "+0000") }),
      now,
    );
    const bookings = await desk.store.read((r) => r.bookings.list({}));
    return { outcome, bookings, answer: await lastAnswer(desk) };
  }

  it("«ngày 5/1» written on 01/12/2026 is 05/01/2027, booked and said with its year", async () => {
    const { bookings, answer } = await sendAt(NOW, "từ 8h00 đến 10h00 ngày 5/1");
    expect(bookings[0]?.status).toBe("confirmed");
    expect(answer).toContain("Thời gian: 08:00–10:00 Thứ Ba, 05/01/2027.");
  });

  it("«ngày 30/12» written on 04/01/2027 is the December just past, refused as past, not booked a year ahead", async () => {
    // It was confirmed for Thursday 30/12/2027.
    const { bookings, answer } = await sendAt(at("2027-01-04", "09:10"), "từ 8h00 đến 10h00 ngày 30/12");
    expect(bookings[0]?.status).toBe("rejected");
    expect(answer).toContain("Thời gian: 08:00–10:00 Thứ Tư, 30/12/2026.");
    expect(answer).toContain("đã qua");
    expect(answer).toContain("đề nghị kiểm tra lại ngày họp");
  });
});

describe("a day without an hour, the Giấy mời left in an attachment", () => {
  /** The clerk's reply in the thread of the first mail. */
  const inThread = (id: string, body: string) =>
    mail({
      id,
      body,
      subject: "Re: [HTT-2026-0001]",
      date: DATE,
      headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
    });
  const FIRST =
    "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 với UBND phường Ngọc Hà, chi tiết theo Giấy mời đính kèm. Nội dung: giao ban. Liên hệ: Lâm Thị Ngọc, 0983 210 456.\nTrân trọng.";

  it("the day read in prose is said back and kept: an hour alone in the reply books it on that day", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: FIRST, date: DATE }), NOW);
    // It was asked for «thời gian họp» with no word that the day had been read.
    expect(await lastAnswer(desk)).toContain(
      "Lưu ý: đã hiểu ngày họp là Thứ Năm, 10/12/2026 nhưng chưa rõ giờ bắt đầu; đề nghị trả lời thư này ghi giờ bắt đầu và giờ kết thúc, ví dụ «8h00 đến 10h00».",
    );
    const reply = await md.handle(inThread("rep@hanoi.gov.vn", "Giờ họp: từ 9h00 đến 11h00."), NOW);
    // It went unanswered as a reply asking for nothing; then it was asked for the day the desk had just said back.
    expect(reply).toMatchObject({ kind: "changed" });
    expect(await lastAnswer(desk)).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
  });

  it("an hour alone to a booking that has no day either: the day is asked for", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(
      mail({ id: "goc@hanoi.gov.vn", body: FIRST.replace(" ngày 10/12/2026", ""), date: DATE }),
      NOW,
    );
    expect(await lastAnswer(desk)).toContain("Thời gian: (chưa rõ thời gian).");
    const reply = await md.handle(inThread("rep@hanoi.gov.vn", "Giờ họp: từ 9h00 đến 11h00."), NOW);
    expect(reply).toMatchObject({ kind: "ignored" });
    const answer = await lastAnswer(desk);
    expect(answer).toContain("Thư trả lời ghi giờ họp nhưng không ghi ngày họp nên chưa xếp được lịch.");
    expect(answer).toContain("ghi cả giờ và ngày họp");
    // With both, the booking is completed.
    await md.handle(inThread("rep2@hanoi.gov.vn", "Giờ họp: từ 9h00 đến 11h00 ngày 10/12/2026."), NOW);
    expect(await lastAnswer(desk)).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
  });

  it("a document's date in prose is not said back as the meeting's", async () => {
    const { answer } = await send(
      "Kính gửi Trung tâm,\nThực hiện Kế hoạch số 12/KH-UBND ngày 15/11/2026, Sở Công Thương đề nghị Trung tâm hỗ trợ họp trực tuyến với UBND phường Ngọc Hà. Nội dung: giao ban.\nTrân trọng.",
    );
    expect(answer).not.toContain("đã hiểu ngày họp");
  });
});

describe("an emergency written past midnight for «sáng mai»", () => {
  async function sendAt(now: Date, time: string) {
    const desk = await makeDesk();
    await mailDeskOf(desk).handle(
      mail({
        id: "k@hanoi.gov.vn",
        body: `${FORM(time)}- Họp khẩn ứng phó mưa lũ\n`,
        date: now.toUTCString().replace("GMT", "+0000"),
      }),
      now,
    );
    return lastAnswer(desk);
  }

  it("says which day «sáng mai» was taken for, and how to correct it", async () => {
    const answer = await sendAt(at("2026-12-10", "02:00"), "6h00 sáng mai");
    expect(answer).toContain("Thời gian: 06:00–08:00 Thứ Sáu, 11/12/2026.");
    // It was booked a day later than the clerk awake at 02:00 may have meant, with no word.
    expect(answer).toContain(
      "Lưu ý: thư gửi lúc 02:00 ngày 10/12/2026; «sáng mai» được hiểu là ngày 11/12/2026; nếu là ngày 10/12/2026, đề nghị trả lời ghi rõ ngày họp.",
    );
  });

  it("in the daytime «sáng mai» needs no word", async () => {
    expect(await sendAt(at("2026-12-10", "09:00"), "6h00 sáng mai")).not.toContain("được hiểu là ngày");
  });
});
