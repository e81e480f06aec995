import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer } from "./support/mail-desk.js";

// Clerk mails from the e2e13 round (the life of a booking over several mails in one thread): each `it` a defect
// found and fixed.

/** A desk holding the clerk's confirmed booking of 09:00–11:00 on Thursday 10/12, and a way to reply in its thread. */
const booked = () =>
  bookedInThread(
    "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
  );

describe("a reply making the session longer by a length", () => {
  for (const [said, time] of [
    ["Xin kéo dài thêm 30 phút.", "09:00–11:30"],
    ["Cuộc họp kéo dài thêm 1 tiếng ạ.", "09:00–12:00"],
    ["Xin gia hạn thêm 45 phút.", "09:00–11:45"],
    ["Xin keo dai them 30 phut.", "09:00–11:30"],
  ])
    it(`«${said}» ends later (it was taken for an unknown endpoint, the session unchanged)`, async () => {
      const { desk, reply, code, booking } = await booked();
      await reply(said!);
      const answer = await lastAnswer(desk, code);
      expect(answer).not.toContain("CHƯA THÊM ĐƯỢC ĐIỂM CẦU");
      expect(answer).toContain(`Thời gian: ${time} Thứ Năm, 10/12/2026.`);
      expect((await booking()).sequence).toBe(2);
    });
});
