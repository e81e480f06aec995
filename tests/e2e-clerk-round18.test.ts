import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer } from "./support/mail-desk.js";
import { codeOf } from "./support/understand.js";

// Replies in a booking's thread from the round-18 clerk trial: each `it` a misread found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

describe("«rút UBND phường Láng khỏi danh sách điểm cầu» takes the ward out", () => {
  // Before: «rút» before a unit's name was no removal, and «khỏi danh sách…» ended no list: Láng stayed invited.
  it.each([
    "Đề nghị rút UBND phường Láng khỏi danh sách điểm cầu, bổ sung phường Đống Đa.",
    "Sở xin rút phường Láng khỏi cuộc họp và bổ sung phường Đống Đa.",
  ])("«%s»", async (text) => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    expect((await reply(text)).kind).toBe("changed");
    expect((await booking()).request.participants).toEqual([codeOf("Phường Đống Đa")]);
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("thêm điểm cầu Phường Đống Đa (CX-00235); bớt điểm cầu Phường Láng (CX-00199)");
  });

  it("«rút lại đề nghị» is no removal of an endpoint", async () => {
    const { reply, booking } = await bookedInThread(LETTER);
    await reply("Sở xin rút lại đề nghị bổ sung điểm cầu trước đó.");
    expect((await booking()).request.participants).toEqual([codeOf("Phường Láng")]);
  });
});

describe("«kéo dài thời gian họp đến 11h30» moves the end, not the start", () => {
  // Before: the words between «kéo dài» and «đến» hid the end word, and the session was moved to 11:30–13:30.
  it.each([
    "Đề nghị kéo dài thời gian họp đến 11h30.",
    "Đề nghị kéo dài cuộc họp đến 11h30.",
    "Đề nghị kéo dài thời gian cuộc họp đến 11h30 cùng ngày.",
  ])("«%s»", async (text) => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    expect((await reply(text)).kind).toBe("changed");
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(b.request.end?.toISOString()).toBe("2026-12-10T04:30:00.000Z");
    expect(await lastAnswer(desk, code)).toContain("Thời gian: 09:00–11:30 Thứ Năm, 10/12/2026.");
  });
});

describe("«đổi người liên hệ thành đ/c Nguyễn Văn Tuấn, SĐT …» changes the contact", () => {
  // Before: «thành» before the name hid it; the reply was ignored and the answer gave the old contact back.
  it.each([
    "Đề nghị đổi người liên hệ thành đ/c Nguyễn Văn Tuấn, SĐT 0912 345 678.",
    "Người liên hệ mới là Nguyễn Văn Tuấn, 0912 345 678.",
  ])("«%s»", async (text) => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    expect((await reply(text)).kind).toBe("changed");
    expect((await booking()).request.contact).toEqual({ name: "Nguyễn Văn Tuấn", phone: "0912345678" });
    expect(await lastAnswer(desk, code)).toContain("Đầu mối liên hệ: Nguyễn Văn Tuấn, 0912345678.");
  });
});
