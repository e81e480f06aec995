import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer } from "./support/mail-desk.js";

// Replies in a booking's thread from the round-19 clerk trial: each `it` a misread found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

describe("«thay vì 11h00» names the old value, not a second hour", () => {
  // Before: «Xin kết thúc phiên họp lúc 11h30 thay vì 11h00» read two hours and moved the session to 11:30–11:00,
  // which the rules refused.
  it.each([
    [
      "Xin kết thúc phiên họp lúc 11h30 thay vì 11h00.",
      "2026-12-10T02:00:00.000Z",
      "2026-12-10T04:30:00.000Z",
    ],
    [
      "Đề nghị kết thúc lúc 11h30 thay cho 11h00 như đã đăng ký.",
      "2026-12-10T02:00:00.000Z",
      "2026-12-10T04:30:00.000Z",
    ],
    [
      "Đề nghị bắt đầu lúc 9h30 chứ không phải 9h00 ạ.",
      "2026-12-10T02:30:00.000Z",
      "2026-12-10T04:30:00.000Z",
    ],
    ["Thay vì 9h00, xin bắt đầu lúc 9h30.", "2026-12-10T02:30:00.000Z", "2026-12-10T04:30:00.000Z"],
    [
      "Thay vì ngày 10/12, đề nghị chuyển sang ngày 11/12.",
      "2026-12-11T02:00:00.000Z",
      "2026-12-11T04:00:00.000Z",
    ],
    ["Đề nghị chuyển sang ngày 11/12 thay vì 10/12.", "2026-12-11T02:00:00.000Z", "2026-12-11T04:00:00.000Z"],
  ])("«%s»", async (text, start, end) => {
    const { reply, booking } = await bookedInThread(LETTER);
    expect((await reply(text)).kind).toBe("changed");
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe(start);
    expect(b.request.end?.toISOString()).toBe(end);
  });
});

describe("a reply that restates the booked time and asks a question hears the time stands", () => {
  // Before: «Lịch vẫn 9h ngày 10/12 đúng không ạ? Cho hỏi …» got «ĐÃ NHẬN CÂU HỎI» without a word of the time.
  it("«Lịch vẫn 9h ngày 10/12 đúng không ạ? Cho hỏi có cần thử kết nối trước không?»", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const before = await booking();
    await reply("Lịch vẫn 9h ngày 10/12 đúng không ạ? Cho hỏi có cần thử kết nối trước không?");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("09:00–11:00 Thứ Năm, 10/12/2026");
    expect(answer).toContain("câu hỏi đã được chuyển cán bộ kỹ thuật");
    expect((await booking()).sequence).toBe(before.sequence);
  });
});

describe("a time asked about is no time asked for", () => {
  // Before: «Lịch là 14h ngày 10/12 đúng không ạ?» moved the session from 09:00 to 14:00 and confirmed the move.
  it.each([
    "Lịch là 14h ngày 10/12 đúng không ạ? Em cảm ơn.",
    "Cho em hỏi có phải họp lúc 14h00 ngày 10/12 không ạ?",
  ])("«%s»", async (text) => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const before = await booking();
    expect((await reply(text)).kind).toBe("ignored");
    const after = await booking();
    expect(after.sequence).toBe(before.sequence);
    expect(after.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("ĐÃ NHẬN CÂU HỎI");
    expect(answer).toContain(`Lịch họp ${code} vẫn ở thời gian 09:00–11:00 Thứ Năm, 10/12/2026`);
  });

  it("«xin đổi sang 14h được không ạ?» still asks for the move", async () => {
    const { reply, booking } = await bookedInThread(LETTER);
    expect((await reply("Sở xin đổi sang 14h ngày 10/12 được không ạ?")).kind).toBe("changed");
    expect((await booking()).request.start?.toISOString()).toBe("2026-12-10T07:00:00.000Z");
  });
});

describe("«bổ sung A và B tham dự cuộc họp» adds A and B", () => {
  // Before: «UBND phường Ba Đình tham dự cuộc họp» was an unknown endpoint, and the session sent back for details.
  it("«Đề nghị bổ sung thêm UBND phường Giảng Võ và UBND phường Ba Đình tham dự cuộc họp.»", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    expect(
      (await reply("Đề nghị bổ sung thêm UBND phường Giảng Võ và UBND phường Ba Đình tham dự cuộc họp."))
        .kind,
    ).toBe("changed");
    const b = await booking();
    expect(b.request.unresolved).toEqual([]);
    expect(b.status).toBe("confirmed");
    expect(await lastAnswer(desk, code)).toContain(
      "thêm điểm cầu Phường Giảng Võ (CX-00025); Phường Ba Đình (CX-00004)",
    );
  });
});

describe("the hours before «thành» or «sang» in their clause are the old ones", () => {
  // Before: «điều chỉnh giờ họp: từ 9h00 đến 11h00 thành từ 13h30 đến 15h30» was told «KHÔNG CÓ GÌ CẦN THAY ĐỔI».
  it.each([
    "Sở xin điều chỉnh giờ họp: từ 9h00 đến 11h00 thành từ 13h30 đến 15h30 cùng ngày.",
    "Đề nghị đổi giờ họp từ 9h00-11h00 sang 13h30-15h30 ngày 10/12/2026.",
  ])("«%s»", async (text) => {
    const { reply, booking } = await bookedInThread(LETTER);
    expect((await reply(text)).kind).toBe("changed");
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe("2026-12-10T06:30:00.000Z");
    expect(b.request.end?.toISOString()).toBe("2026-12-10T08:30:00.000Z");
  });
});
