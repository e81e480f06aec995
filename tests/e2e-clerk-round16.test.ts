import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer, mailAnswers } from "./support/mail-desk.js";

// Clerk mails from the e2e16 round: each `it` a defect found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

/** A body past MAX_BODY_CHARS (20 000): a report pasted under the request, as clerks do. */
const PASTED = `\n\nBáo cáo kèm theo:\n${"Tình hình thực hiện nhiệm vụ tháng 11 của các phòng chuyên môn. ".repeat(400)}`;
const CUT = "Lưu ý: thư dài hơn 20.000 ký tự nên hệ thống chỉ đọc phần đầu của thư";

describe("a reply longer than 20 000 characters: its clerk learns only the beginning was read", () => {
  // Before: a registration was told so, a reply in its thread not (changed, cancelled or refused in silence).
  it("a move, a cancellation and a refused change each say so", async () => {
    for (const [ask, kind] of [
      ["Đề nghị đổi giờ họp sang 14h00 đến 16h00 ngày 10/12/2026.", "booking-changed"],
      ["Sở Công Thương xin hủy lịch họp này.", "booking-cancelled"],
      ["Đề nghị đổi giờ họp sang 7h00 đến 8h00 ngày 30/11/2026.", "booking-change-refused"],
    ] as const) {
      const { desk, reply, code } = await bookedInThread(LETTER);
      await reply(`${ask}${PASTED}`);
      const last = (await mailAnswers(desk, code)).at(-1)!;
      expect(last.kind, ask).toBe(kind);
      expect(String(last.payload.text), ask).toContain(CUT);
      expect(String(last.payload.text), ask).toContain("nếu còn đề nghị ở phần sau");
    }
  });

  it("a long reply whose beginning asks for nothing is answered, not left in silence", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const before = await booking();
    const out = await reply(`Kính gửi Trung tâm,${PASTED}\nĐề nghị bổ sung điểm cầu UBND phường Giảng Võ.`);
    expect(out.kind).toBe("ignored");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain(`Lịch họp ${code}: CHƯA THẤY ĐỀ NGHỊ THAY ĐỔI.`);
    expect(answer).toContain(CUT);
    expect((await booking()).sequence).toBe(before.sequence);
  });

  it("a short reply carries no such remark", async () => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    await reply("Đề nghị đổi giờ họp sang 14h00 đến 16h00 ngày 10/12/2026.");
    expect(await lastAnswer(desk, code)).not.toContain("20.000 ký tự");
  });
});
