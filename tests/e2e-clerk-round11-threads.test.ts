import { describe, expect, it } from "vitest";
import { makeDesk } from "./helpers.js";
import {
  bookedInThread,
  CLERK_DATE,
  CLERK_NOW,
  lastAnswer,
  mailAnswers,
  mailDeskOf,
} from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Replies in booking threads found by e2e11 (D10, D11, D17): read through the in-process mail desk.

const letter = (time: string, more = "nội dung: giao ban") =>
  `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ${time} với UBND phường Ngọc Hà, ${more}. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

/** A desk holding the clerk's confirmed booking of 09:00–11:00 on 14/12, and a way to reply in its thread. */
const booked = (time = "từ 9h00 đến 11h00 ngày 14/12/2026") => bookedInThread(letter(time));

describe("polite words after an endpoint's name (D10)", () => {
  for (const said of [
    "Sở xin bổ sung thêm điểm cầu UBND xã Quốc Oai ạ.",
    "Bổ sung thêm điểm cầu UBND xã Quốc Oai nhé.",
    "Thêm điểm cầu UBND xã Quốc Oai với ạ.",
    "Cho em thêm điểm cầu UBND xã Quốc Oai giúp em.",
  ])
    it(`«${said}» adds Xã Quốc Oai alone, and the booking stays confirmed`, async () => {
      const { reply, booking } = await booked();
      await reply(said);
      const b = await booking();
      expect(b.request.unresolved).toEqual([]);
      expect(b.request.participants).toEqual(["CX-00008", "CX-09895"]);
      expect(b.status).toBe("confirmed");
    });
});

describe("a reply adding an endpoint the directory does not know (D11)", () => {
  for (const said of [
    "Đề nghị bổ sung điểm cầu Kho bạc XK-21 Sóc Sơn.",
    "Đề nghị thêm điểm cầu Kho bạc XK-21 Sóc Sơn.",
  ])
    it(`«${said}» is answered that the endpoint is unknown, the booking unchanged`, async () => {
      const { desk, reply, booking, first, code } = await booked();
      const before = (await mailAnswers(desk)).length;
      await reply(said);
      expect((await mailAnswers(desk)).length).toBe(before + 1);
      const answer = await lastAnswer(desk);
      expect(answer).toContain(`Lịch họp ${code}: CHƯA THÊM ĐƯỢC ĐIỂM CẦU.`);
      expect(answer).toContain("Không xác định được điểm cầu: «Kho bạc XK-21 Sóc Sơn» (có phải: Xã Sóc Sơn");
      expect(answer).toContain("giữ nguyên");
      const b = await booking();
      expect(b.status).toBe("confirmed");
      expect(b.sequence).toBe(first.sequence);
      expect(b.request.participants).toEqual(first.request.participants);
      expect(b.request.unresolved).toEqual([]);
    });
});

describe("choosing an offered slot in reply to a refused booking (D17)", () => {
  it("«Dạ Sở xin chọn khung giờ 13:00–15:00 Thứ Năm, 10/12» registers the same request at that time", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    // Sở Tư pháp holds Phường Ngọc Hà at 09:00–11:00: Sở Công Thương's session there then is refused.
    await md.handle(
      mail({
        id: "stp@hanoi.gov.vn",
        from: "vanthu.stp@hanoi.gov.vn",
        body: "Kính gửi Trung tâm,\nSở Tư pháp đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: tập huấn. Liên hệ Cao Văn Sơn 0912345678.",
        date: CLERK_DATE,
      }),
      CLERK_NOW,
    );
    await md.handle(
      mail({ id: "sct@hanoi.gov.vn", body: letter("từ 9h00 đến 11h00 ngày 10/12/2026"), date: CLERK_DATE }),
      CLERK_NOW,
    );
    const refusal = await lastAnswer(desk);
    expect(refusal).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    expect(refusal).toContain("  • 13:00–15:00 Thứ Năm, 10/12/2026");
    const [, refused] = await desk.store.read((r) => r.bookings.list({}));
    const out = await md.handle(
      mail({
        id: "chon@hanoi.gov.vn",
        body: "Dạ Sở xin chọn khung giờ 13:00–15:00 Thứ Năm, 10/12",
        date: CLERK_DATE,
        headers: { "In-Reply-To": "<sct@hanoi.gov.vn>", References: "<sct@hanoi.gov.vn>" },
      }),
      CLERK_NOW,
    );
    expect(out.kind).toBe("registered");
    const all = await desk.store.read((r) => r.bookings.list({}));
    expect(all).toHaveLength(3);
    const chosen = all.find((b) => b.code !== refused!.code && b.request.title === "giao ban")!;
    expect(chosen.status).toBe("confirmed");
    expect(chosen.request.host).toBe("Sở Công Thương");
    expect(chosen.request.participants).toEqual(refused!.request.participants);
    expect((await desk.store.read((r) => r.bookings.get(refused!.code)))!.status).toBe("rejected");
    // Answered in the clerk's thread, saying what was done.
    const [answer] = (await mailAnswers(desk)).slice(-1);
    const text = String(answer!.payload.text);
    expect(text).toMatch(
      new RegExp(
        `^Lịch họp ${chosen.code}: ĐÃ XÁC NHẬN\\.\\nLịch họp ${refused!.code} đã được trả lời «KHÔNG BỐ TRÍ ĐƯỢC»`,
      ),
    );
    expect(text).toContain("Thời gian: 13:00–15:00 Thứ Năm, 10/12/2026.");
    expect(text).not.toContain("đề nghị gửi đăng ký mới");
    expect(answer!.payload.thread).toMatchObject({ inReplyTo: "<chon@hanoi.gov.vn>" });
  });
});

describe("a clash with the agency's own booking (D4)", () => {
  it("another session of the agency's at the same time is refused, naming it as the agency's own", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const time = "từ 9h00 đến 11h00 ngày 14/12/2026";
    await md.handle(mail({ id: "gb@hanoi.gov.vn", body: letter(time), date: CLERK_DATE }), CLERK_NOW);
    const other = letter(time, "nội dung: tập huấn phần mềm");
    await md.handle(mail({ id: "th@hanoi.gov.vn", body: other, date: CLERK_DATE }), CLERK_NOW);
    const [first] = await desk.store.read((r) => r.bookings.list({}));
    const answer = await lastAnswer(desk);
    expect(answer).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    expect(answer).toContain(`đã có lịch họp ${first!.code} «giao ban» của chính Sở Công Thương`);
  });

  it("a mail naming another agency as host at that agency's session learns nothing of it", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const time = "từ 9h00 đến 11h00 ngày 14/12/2026";
    const asSyt = letter(time).replace("Sở Công Thương đăng ký", "Sở Y tế đăng ký");
    await md.handle(
      mail({ id: "syt@hanoi.gov.vn", from: "vanthu.syt@hanoi.gov.vn", body: asSyt, date: CLERK_DATE }),
      CLERK_NOW,
    );
    const [theirs] = await desk.store.read((r) => r.bookings.list({}));
    // Sở Công Thương's mailbox sends the very same text, Sở Y tế named as host.
    await md.handle(mail({ id: "sct-as-syt@hanoi.gov.vn", body: asSyt, date: CLERK_DATE }), CLERK_NOW);
    const answer = await lastAnswer(desk);
    expect(answer).not.toContain(theirs!.code);
    expect(answer).not.toContain("ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ");
  });
});

describe("a day without an hour is kept: the reply may give the hour alone (D12)", () => {
  const form = (time: string) =>
    `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến như sau:\nThời gian: ${time}\nĐiểm cầu: UBND phường Ngọc Hà\nNội dung: giao ban\nLiên hệ: Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

  const cases: [string, string, string, string][] = [
    ["buổi sáng ngày 24/12/2026", "Bắt đầu lúc 8h30.", "08:30–10:30 Thứ Năm, 24/12/2026", "8h00 đến 10h00"],
    [
      "chiều thứ Năm 24/12/2026",
      "Dạ, từ 2h đến 4h chiều ạ.",
      "14:00–16:00 Thứ Năm, 24/12/2026",
      "14h00 đến 16h00",
    ],
  ];
  for (const [time, reply, booked, example] of cases) {
    it(`«${time}», then «${reply}»: booked ${booked}`, async () => {
      const desk = await makeDesk();
      const md = mailDeskOf(desk);
      await md.handle(mail({ id: "dk@hanoi.gov.vn", body: form(time), date: CLERK_DATE }), CLERK_NOW);
      const first = await lastAnswer(desk);
      // The day understood is in the answer's own «Thời gian» line, and only the hour is asked for.
      expect(first).toContain("Thời gian: Thứ Năm, 24/12/2026 (chưa rõ giờ bắt đầu).");
      expect(first).toContain(`ghi giờ bắt đầu và giờ kết thúc, ví dụ «${example}».`);
      expect(first).not.toContain("ghi cả giờ và ngày");
      const [b] = await desk.store.read((r) => r.bookings.list({}));
      expect(b!.request.day).toBe("2026-12-24");
      await md.handle(
        mail({
          id: "tl@hanoi.gov.vn",
          body: reply,
          date: CLERK_DATE,
          headers: { "In-Reply-To": "<dk@hanoi.gov.vn>", References: "<dk@hanoi.gov.vn>" },
        }),
        CLERK_NOW,
      );
      // It was answered «Thư trả lời ghi giờ họp nhưng không ghi ngày họp», the day the desk had said back lost.
      const answer = await lastAnswer(desk);
      expect(answer).toContain("ĐÃ XÁC NHẬN");
      expect(answer).toContain(`Thời gian: ${booked}.`);
      const after = (await desk.store.read((r) => r.bookings.get(b!.code)))!;
      expect(after.status).toBe("confirmed");
      expect(after.request.day).toBeUndefined();
    });
  }
});
