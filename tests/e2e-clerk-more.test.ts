import { describe, expect, it } from "vitest";
import { at, makeDesk } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailDeskOf, sendAsClerk } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Found by trying the desk as a clerk (fifth round): mails that name two sessions, help a ward, or write the date
// in words.

const NOW = CLERK_NOW;
const DATE = CLERK_DATE;
const send = sendAsClerk;

const FORM = (time: string) => `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà, UBND phường Ba Đình
- Thời gian đăng ký họp: ${time}
- Nội dung họp: Giao ban công tác tháng 12
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`;

describe("two sessions in one mail: the first is booked as written, the other is said back", () => {
  it("«9h00 ngày 10/12/2026 và 14h00 ngày 11/12/2026» is no session from 9h to 14h", async () => {
    const { outcome, booking, answer } = await send(FORM("9h00 ngày 10/12/2026 và 14h00 ngày 11/12/2026"));
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(booking?.request.end?.toISOString()).toBe("2026-12-10T04:00:00.000Z");
    expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    expect(answer).toContain("thư ghi nhiều ngày (10/12/2026, 11/12/2026)");
  });

  for (const [time, first, other] of [
    ["9h00-11h00 và 14h00-16h00 ngày 10/12/2026", "09:00–11:00", "14:00–16:00"],
    ["sáng 10/12/2026 từ 8h30 đến 11h30; chiều cùng ngày từ 14h00 đến 16h30", "08:30–11:30", "14:00–16:30"],
    // The session booked is said back with its end, the default length's when the mail gave none.
    ["9h00 và 14h00 ngày 10/12/2026", "09:00–11:00", "14:00"],
    ["9h00 ngày 10/12/2026; 14h00 ngày 10/12/2026", "09:00–11:00", "14:00"],
  ] as const) {
    it(`«${time}»`, async () => {
      const { answer } = await send(FORM(time));
      expect(answer).toContain(`Thời gian: ${first} Thứ Năm, 10/12/2026.`);
      expect(answer).toContain(
        `Lưu ý: thư ghi thêm một phiên lúc ${other}; lịch này chỉ xếp phiên ${first}, đề nghị gửi đăng ký riêng cho phiên còn lại.`,
      );
    });
  }

  for (const time of [
    "7h30 ngày 10/12/2026 (các điểm cầu kết nối từ 7h00)",
    "Các điểm cầu kết nối từ 7h00; họp lúc 7h30 ngày 10/12/2026",
    "7h30 ngày 10/12/2026, đề nghị kiểm tra kỹ thuật lúc 7h00",
  ]) {
    it(`«${time}»: the hour to connect is neither start nor end`, async () => {
      const { outcome, answer } = await send(FORM(time));
      expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
      expect(answer).toContain("Thời gian: 07:30–09:30 Thứ Năm, 10/12/2026.");
    });
  }

  it("«từ 20h ngày 10/12 đến 2h ngày 11/12»: a range across midnight is asked about, not cut to two hours", async () => {
    const { outcome, answer } = await send(FORM("từ 20h ngày 10/12/2026 đến 2h ngày 11/12/2026"));
    expect(outcome).toMatchObject({
      decision: { outcome: "needs-info", reasons: [{ code: "invalid-time" }] },
    });
    // The hour as written, not «2h» read as 14:00.
    expect(answer).toContain("Giờ kết thúc 02:00 không sau giờ bắt đầu 20:00");
  });

  it("«từ 16h đến 8h»: the question back quotes both hours as written", async () => {
    const { answer } = await send(FORM("từ 16h đến 8h ngày 10/12/2026"));
    expect(answer).toContain("Giờ kết thúc 08:00 không sau giờ bắt đầu 16:00");
  });

  it("«từ 14h đến 4h chiều»: an end said in the afternoon stays there", async () => {
    const { answer } = await send(FORM("từ 14h đến 4h chiều ngày 10/12/2026"));
    expect(answer).toContain("Thời gian: 14:00–16:00 Thứ Năm, 10/12/2026.");
  });

  it("one range is one session", async () => {
    const { answer } = await send(FORM("từ 8h00 đến 11h00 ngày 10/12/2026"));
    expect(answer).toContain("Thời gian: 08:00–11:00 Thứ Năm, 10/12/2026.");
    expect(answer).not.toContain("thêm một phiên");
  });
});

describe("a ward the session is to help is its topic, not an endpoint", () => {
  const NGOC_HA = "CX-00008";
  const BA_DINH = "CX-00004";
  const CONTACT = "Liên hệ: Lê Thị Hoa, 0983 210 456";
  it("«… với UBND phường Ngọc Hà vào 9h00 … về việc đề nghị hỗ trợ UBND phường Ba Đình xử lý vụ việc …»", async () => {
    const { outcome, booking, answer } = await send(
      `Kính gửi Trung tâm Tin học - Công báo,\nSở Công Thương đăng ký tổ chức họp trực tuyến với UBND phường Ngọc Hà vào 9h00 ngày 10/12/2026 về việc đề nghị hỗ trợ UBND phường Ba Đình xử lý vụ việc tồn đọng.\n${CONTACT}\nTrân trọng.`,
    );
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(booking?.request.participants).toEqual([NGOC_HA]);
    // Who attends is no content either: the topic is what follows «về việc».
    expect(answer).toContain("Nội dung: đề nghị hỗ trợ UBND phường Ba Đình xử lý vụ việc tồn đọng.");
  });

  it("«để giúp các phường Ba Đình, Giảng Võ giải quyết …»", async () => {
    const { booking, answer } = await send(
      `Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà lúc 9h00 ngày 10/12/2026 để giúp các phường Ba Đình, Giảng Võ giải quyết kiến nghị của cử tri.\n${CONTACT}`,
    );
    expect(booking?.request.participants).toEqual([NGOC_HA]);
    expect(answer).toContain("Nội dung: giúp các phường Ba Đình, Giảng Võ giải quyết kiến nghị của cử tri.");
  });

  for (const body of [
    // Words between the verb and the unit: the endpoint that needs technical help is connected.
    `Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà lúc 9h00 ngày 10/12/2026, nội dung: giao ban. Đề nghị hỗ trợ kỹ thuật cho điểm cầu UBND phường Ba Đình.\n${CONTACT}`,
    `Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà và UBND phường Ba Đình lúc 9h00 ngày 10/12/2026, nội dung: hỗ trợ doanh nghiệp.\n${CONTACT}`,
    // Helped to connect: it connects.
    `Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà lúc 9h00 ngày 10/12/2026, nội dung: giao ban. Đề nghị hỗ trợ UBND phường Ba Đình kết nối vào phiên họp.\n${CONTACT}`,
  ]) {
    it(body.split(",")[0]!, async () => {
      const { booking } = await send(body);
      expect([...(booking?.request.participants ?? [])].sort()).toEqual([BA_DINH, NGOC_HA]);
    });
  }

  for (const [body, title] of [
    [
      "Sở Công Thương đăng ký tổ chức hội nghị trực tuyến với chủ đề chuyển đổi số ngành công thương vào 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà.",
      "chuyển đổi số ngành công thương",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến với nội dung giao ban quý IV vào 9h00 ngày 10/12/2026, điểm cầu UBND phường Ngọc Hà.",
      "giao ban quý IV",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà vào 9h00 ngày 10/12/2026 bàn về công tác bảo vệ môi trường.",
      "công tác bảo vệ môi trường",
    ],
    // Typed without marks, signed with them: the sentence's own marks decide how «ve» reads.
    [
      "So Cong Thuong dang ky hop truc tuyen voi UBND phuong Ngoc Ha vao 9h00 ngay 10/12/2026 ve cong tac bao ve moi truong.",
      "cong tac bao ve moi truong",
    ],
  ]) {
    it(`«${title}»`, async () => {
      const { answer } = await send(`${body}\n${CONTACT}`);
      expect(answer).toContain(`Nội dung: ${title}.`);
    });
  }

  it("«với UBND phường Ngọc Hà» alone is no content: the clerk is asked for it", async () => {
    const { outcome } = await send(
      `Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà vào 9h00 ngày 10/12/2026.\n${CONTACT}`,
    );
    expect(outcome).toMatchObject({ decision: { outcome: "needs-info", missing: ["title"] } });
  });
});

describe("a date in words is read; one that is not says which words", () => {
  for (const [time, day] of [
    ["9h00 ngày mười tháng mười hai năm 2026", "Thứ Năm, 10/12/2026"],
    ["9h00 mùng 5 tháng 12", "Thứ Bảy, 05/12/2026"],
    ["9 giờ sáng mồng 5 tháng 1 năm 2027", "Thứ Ba, 05/01/2027"],
    ["9h00 ngày hăm lăm tháng mười hai", "Thứ Sáu, 25/12/2026"],
    ["9h00 ngày hai mươi mốt tháng mười hai", "Thứ Hai, 21/12/2026"],
    ["9h00 ngày mười lăm tháng năm năm 2027", "Thứ Bảy, 15/05/2027"],
    ["9h00 ngay muoi tam thang muoi hai", "Thứ Sáu, 18/12/2026"],
  ] as const) {
    it(`«${time}»`, async () => {
      const { answer } = await send(FORM(time));
      expect(answer).toContain(`Thời gian: 09:00–11:00 ${day}.`);
    });
  }

  it("«ngày mười tháng chạp»: the words not understood are quoted back", async () => {
    const { outcome, answer } = await send(FORM("9h00 ngày mười tháng chạp"));
    expect(outcome).toMatchObject({ decision: { outcome: "needs-info", missing: ["start"] } });
    expect(answer).toContain(
      "Lưu ý: chưa hiểu ngày họp «ngày mười tháng chạp»; đề nghị ghi ngày bằng số, ví dụ 10/12/2026.",
    );
  });

  it("«mùng 5 tháng Giêng» (a lunar month's name) is quoted back too", async () => {
    const { answer } = await send(FORM("9h00 mùng 5 tháng Giêng"));
    expect(answer).toContain("Lưu ý: chưa hiểu ngày họp «mùng 5 tháng Giêng»");
  });

  it("an hour without a day says the hour was read and the day is missing", async () => {
    const { answer } = await send(FORM("9h00 sáng"));
    expect(answer).toContain(
      "Lưu ý: đã hiểu giờ bắt đầu 09:00 nhưng chưa thấy ngày họp; đề nghị gửi ngày họp, ví dụ 10/12/2026.",
    );
  });
});

describe("a form and prose that disagree on the day", () => {
  it("the form's «Thời gian» is booked and the prose's other day is said back", async () => {
    const { booking, answer } = await send(
      `Sở Công Thương đăng ký họp trực tuyến lúc 14h00 ngày 11/12/2026.\n\n${FORM("9h00 ngày 10/12/2026")}`,
    );
    expect(booking?.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(answer).toContain(
      "Lưu ý: ngoài mục thời gian, thư còn ghi 14:00 ngày 11/12/2026; lịch được xếp theo mục thời gian (09:00 ngày 10/12/2026), đề nghị kiểm tra lại.",
    );
  });

  it("an hour the prose starts or moves the session to is said back when the form says another", async () => {
    const { booking, answer } = await send(
      `Lưu ý: cuộc họp bắt đầu lúc 14h00.\n\n${FORM("9h00 ngày 10/12/2026")}`,
    );
    expect(booking?.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(answer).toContain(
      "Lưu ý: ngoài mục thời gian, thư còn ghi 14:00; lịch được xếp theo mục thời gian (09:00 ngày 10/12/2026), đề nghị kiểm tra lại.",
    );
  });

  it("a form with the day and no hour takes the hour the prose starts at", async () => {
    const { outcome, answer } = await send(
      `Sở Công Thương đăng ký họp, bắt đầu lúc 14h00.\n\n${FORM("ngày 10/12/2026")}`,
    );
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(answer).toContain("Thời gian: 14:00–16:00 Thứ Năm, 10/12/2026.");
    expect(answer).not.toContain("ngoài mục thời gian");
  });

  it("a cited plan's date and the signature's are no second meeting time", async () => {
    const { answer } = await send(
      `Thực hiện Kế hoạch số 12/KH-UBND ngày 15/11/2026 của UBND Thành phố,\n${FORM("9h00 ngày 10/12/2026")}\nNguyễn Văn An\nNgày 25/11/2026`,
    );
    expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    expect(answer).not.toContain("ngoài mục thời gian");
  });
});

describe("a reply in an old thread after the session's time", () => {
  const CODE = "HTT-2026-0001";
  async function later(body: string, when: Date, time = "9h00 ngày 10/12/2026") {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: FORM(time), date: DATE }), NOW);
    const outcome = await md.handle(
      mail({
        id: "cu@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body,
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
      }),
      when,
    );
    const booking = (await desk.store.read((r) => r.bookings.get(CODE)))!;
    const group = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "group");
    return { outcome, booking, answer: await lastAnswer(desk), group };
  }

  it("«xin hủy» four days after the session cancels nothing and says why", async () => {
    const { outcome, booking, answer, group } = await later("Xin hủy lịch họp.", at("2026-12-14", "09:00"));
    expect(outcome).toMatchObject({ kind: "error" });
    expect(booking.status).toBe("confirmed");
    expect(answer).toContain(
      "Lịch họp HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026) đã qua thời gian họp nên không thể hủy",
    );
    expect(group.map((m) => String(m.payload.text))).not.toContainEqual(expect.stringContaining("ĐÃ HỦY"));
  });

  it("a new meeting asked in the old thread does not move the past one", async () => {
    const { outcome, booking, answer } = await later(
      "Đề nghị đăng ký họp tiếp vào 9h00 ngày 17/12/2026.",
      at("2026-12-14", "09:00"),
    );
    expect(outcome).toMatchObject({ kind: "error" });
    expect(booking.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(answer).toContain(
      "đã qua thời gian họp nên không thể thay đổi; đề nghị gửi đăng ký mới bằng một thư mới.",
    );
  });

  it("a cancellation before the session still cancels", async () => {
    const { outcome, booking } = await later("Xin hủy lịch họp.", at("2026-12-09", "09:00"));
    expect(outcome).toMatchObject({ kind: "cancelled" });
    expect(booking.status).toBe("cancelled");
  });

  it("«xin hủy» of a refused booking says it was refused, not «from refused to cancelled»", async () => {
    const { answer } = await later("Xin hủy lịch họp.", NOW, "9h00 ngày 20/11/2026");
    expect(answer).toContain("đã bị từ chối nên không có lịch nào để hủy");
    expect(answer).not.toContain("Không thể chuyển");
  });
});

describe("a reply that moves the session and changes its endpoints at once", () => {
  const CODE = "HTT-2026-0001";
  async function reply(body: string) {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: FORM("9h00 ngày 10/12/2026"), date: DATE }), NOW);
    const outcome = await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body,
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
      }),
      NOW,
    );
    return { outcome, booking: (await desk.store.read((r) => r.bookings.get(CODE)))! };
  }

  for (const body of [
    "Đổi giờ họp thành 15h và thêm phường Giảng Võ, bỏ phường Ba Đình.",
    "Đề nghị dời sang 15h00, thêm điểm cầu UBND phường Giảng Võ; không mời UBND phường Ba Đình.",
    "Doi sang 15h, them phuong Giang Vo, bo phuong Ba Dinh.",
  ]) {
    it(body, async () => {
      const { outcome, booking } = await reply(body);
      expect(outcome).toMatchObject({ kind: "changed", decision: { outcome: "confirmed" } });
      expect(booking.request.start?.toISOString()).toBe("2026-12-10T08:00:00.000Z");
      expect([...booking.request.participants].sort()).toEqual(["CX-00008", "CX-00025"]);
      expect(booking.request.unresolved).toEqual([]);
    });
  }

  for (const body of [
    "Xin gửi lại danh sách điểm cầu: UBND phường Ngọc Hà, UBND phường Giảng Võ.",
    "Điểm cầu tham dự (cập nhật): UBND phường Ngọc Hà, UBND phường Giảng Võ",
  ]) {
    it(`«${body}»: a list sent again is the whole list`, async () => {
      const { booking } = await reply(body);
      expect([...booking.request.participants].sort()).toEqual(["CX-00008", "CX-00025"]);
    });
  }

  it("an addition alone keeps every endpoint", async () => {
    const { booking } = await reply("Đề nghị thêm điểm cầu UBND phường Giảng Võ.");
    expect([...booking.request.participants].sort()).toEqual(["CX-00004", "CX-00008", "CX-00025"]);
  });
});
