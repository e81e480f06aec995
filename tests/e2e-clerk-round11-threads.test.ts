import { describe, expect, it } from "vitest";
import { makeDesk } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailAnswers, mailDeskOf } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Replies in booking threads found by e2e11 (D10, D11, D17): read through the in-process mail desk.

const letter = (time: string, more = "nội dung: giao ban") =>
  `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ${time} với UBND phường Ngọc Hà, ${more}. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

/** A desk holding the clerk's confirmed booking of 09:00–11:00 on 14/12, and a way to reply in its thread. */
async function booked(time = "từ 9h00 đến 11h00 ngày 14/12/2026") {
  const desk = await makeDesk();
  const md = mailDeskOf(desk);
  await md.handle(mail({ id: "dk@hanoi.gov.vn", body: letter(time), date: CLERK_DATE }), CLERK_NOW);
  const [first] = await desk.store.read((r) => r.bookings.list({}));
  let n = 0;
  const reply = (body: string) =>
    md.handle(
      mail({
        id: `tl${++n}@hanoi.gov.vn`,
        body,
        date: CLERK_DATE,
        headers: { "In-Reply-To": "<dk@hanoi.gov.vn>", References: "<dk@hanoi.gov.vn>" },
      }),
      CLERK_NOW,
    );
  const booking = async () => (await desk.store.read((r) => r.bookings.get(first!.code)))!;
  return { desk, md, code: first!.code, first: first!, reply, booking };
}

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
