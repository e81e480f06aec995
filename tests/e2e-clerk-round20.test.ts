import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer } from "./support/mail-desk.js";

// Replies in a booking's thread from the round-20 clerk trial: each `it` a misread found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";
describe("the reason stated before the request to cancel is the cancellation's reason", () => {
  // Before: «Sở xin thông báo: cuộc họp chuyển sang hình thức họp trực tiếp, đề nghị Trung tâm hủy …» was cancelled
  // with «cơ quan đăng ký đề nghị hủy» alone; only «do …», «vì …», «lý do …» gave a reason.
  it.each([
    [
      "Sở xin thông báo: cuộc họp chuyển sang hình thức họp trực tiếp, đề nghị Trung tâm hủy lịch họp trực tuyến.",
      "chuyển sang hình thức họp trực tiếp",
    ],
    [
      "Kính gửi Trung tâm, cuộc họp chuyển sang hình thức họp trực tiếp nên Sở xin hủy lịch họp trực tuyến. Trân trọng.",
      "chuyển sang hình thức họp trực tiếp",
    ],
    ["Xin thông báo lãnh đạo Sở đi công tác cơ sở, đề nghị hủy lịch họp ạ.", "lãnh đạo Sở đi công tác cơ sở"],
  ])("«%s»", async (said, why) => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    expect((await reply(said)).kind).toBe("cancelled");
    expect(await lastAnswer(desk, code)).toContain(`Lý do: cơ quan đăng ký đề nghị hủy (${why}).`);
    const events = await desk.store.read((r) => r.bookings.events(code));
    expect(events.at(-1)).toMatchObject({ to: "cancelled", reason: `cơ quan đăng ký đề nghị hủy (${why})` });
  });

  // A greeting or the booking's own name before the request is no reason.
  it.each([
    "Kính gửi Trung tâm, Sở xin hủy lịch họp trên.",
    "Về lịch họp ngày 10/12, Sở xin hủy lịch họp.",
    "Dạ, đề nghị Trung tâm hủy lịch họp giúp em ạ.",
  ])("«%s» gives none", async (said) => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    expect((await reply(said)).kind).toBe("cancelled");
    expect(await lastAnswer(desk, code)).toContain("Lý do: cơ quan đăng ký đề nghị hủy.");
  });
});
