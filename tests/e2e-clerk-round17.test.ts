import { describe, expect, it } from "vitest";
import type { Desk } from "../src/app/desk.js";
import { bookedInThread, lastAnswer } from "./support/mail-desk.js";

// Clerk mails from the session-23 trial: each `it` a defect found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

const QUESTION = "Cho em hỏi phòng họp của phường có cần chuẩn bị máy chiếu không ạ?";
const REMARK = "Lưu ý: thư có câu hỏi; câu hỏi đã được chuyển cán bộ kỹ thuật để trả lời.";

async function technicianQuestions(desk: Desk) {
  const all = await desk.store.read((r) => r.outbox.list({}));
  return all.filter((m) => m.channel === "desk" && m.kind === "mail-reply-question");
}

describe("a reply's question is not lost when its request gets a fixed answer", () => {
  // Before: the change's fixed answer went out and the question reached no one; its clerk waited for an answer.
  it.each([
    [
      "a move onto the time the session already has («KHÔNG CÓ GÌ CẦN THAY ĐỔI»)",
      "Đề nghị đổi thời gian họp sang 9h00 đến 11h00 ngày 10/12/2026.",
      "KHÔNG CÓ GÌ CẦN THAY ĐỔI.",
    ],
    [
      "an endpoint the directory does not know",
      "Đề nghị bổ sung điểm cầu Kho bạc XK-21 Sóc Sơn.",
      "CHƯA THÊM ĐƯỢC ĐIỂM CẦU.",
    ],
    [
      "a move to another part of the day without an hour",
      "Đề nghị chuyển lịch họp sang chiều thứ Sáu 11/12/2026.",
      "CHƯA ĐỔI ĐƯỢC THỜI GIAN.",
    ],
  ])("%s", async (_name, ask, heading) => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const before = await booking();
    expect((await reply(`${ask} ${QUESTION}`)).kind).toBe("ignored");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain(`Lịch họp ${code}: ${heading}`);
    expect(answer).toContain(REMARK);
    const told = await technicianQuestions(desk);
    expect(told).toHaveLength(1);
    expect(told[0]!.booking).toBe(code);
    expect(String(told[0]!.payload.text)).toContain(`về lịch ${code}`);
    expect((await booking()).sequence).toBe(before.sequence);
  });

  it("a change the rules refuse (the booking was cancelled) still forwards the question", async () => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    expect((await reply("Sở Công Thương xin hủy lịch họp này.")).kind).toBe("cancelled");
    const out = await reply(`Đề nghị đổi giờ họp sang 14h00 đến 16h00 ngày 10/12/2026. ${QUESTION}`);
    expect(out.kind).toBe("error");
    const answer = await lastAnswer(desk);
    expect(answer).toContain("nên không thể thay đổi");
    expect(answer).toContain(REMARK);
    const told = await technicianQuestions(desk);
    expect(told).toHaveLength(1);
    expect(told[0]!.booking).toBe(code);
  });

  it("an hour without its day, to a booking that has no time yet", async () => {
    const { desk, reply, code, booking } = await bookedInThread(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    expect((await booking()).request.start).toBeNull();
    expect((await reply(`Giờ họp: từ 9h00 đến 11h00. ${QUESTION}`)).kind).toBe("ignored");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("Thư trả lời ghi giờ họp nhưng không ghi ngày họp");
    expect(answer).toContain(REMARK);
    expect(await technicianQuestions(desk)).toHaveLength(1);
  });

  it("the same fixed answers without a question carry no remark and tell no technician", async () => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    await reply("Đề nghị đổi thời gian họp sang 9h00 đến 11h00 ngày 10/12/2026.");
    await reply("Đề nghị bổ sung điểm cầu Kho bạc XK-21 Sóc Sơn.");
    expect(await lastAnswer(desk, code)).not.toContain("câu hỏi");
    expect(await technicianQuestions(desk)).toHaveLength(0);
  });

  it("«đổi sang 9h được không ạ?» is the change itself, not a question of its own", async () => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    await reply("Sở xin đổi thời gian họp sang 9h00 đến 11h00 ngày 10/12/2026 được không ạ?");
    expect(await lastAnswer(desk, code)).toContain("KHÔNG CÓ GÌ CẦN THAY ĐỔI.");
    expect(await technicianQuestions(desk)).toHaveLength(0);
  });
});

describe("a contact read in part is asked for the part it lacks", () => {
  // Before: «Đầu mối liên hệ: (chưa có họ tên đầy đủ), 0912345678» and then «Đề nghị bổ sung: đầu mối liên hệ (họ
  // tên, số điện thoại)», asking again for the number it had just said back.
  it("a phone without a full name asks for the name only", async () => {
    const { desk, code } = await bookedInThread(
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng về giao ban quý IV. Đầu mối: anh Tuấn 0912 345 678.",
    );
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("Đầu mối liên hệ: (chưa có họ tên đầy đủ), 0912345678.");
    expect(answer).toContain("Đề nghị bổ sung: họ tên đầy đủ của đầu mối liên hệ (Điều 12.2a).");
    expect(answer).not.toContain("số điện thoại)");
  });

  it("a full name without a phone asks for the phone only; no contact at all asks for both", async () => {
    const named = await bookedInThread(
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng về giao ban quý IV.\nĐầu mối liên hệ: Nguyễn Văn Tuấn",
    );
    expect(await lastAnswer(named.desk, named.code)).toContain(
      "Đề nghị bổ sung: số điện thoại của đầu mối liên hệ (Điều 12.2a).",
    );
    const none = await bookedInThread(
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng về giao ban quý IV.",
    );
    expect(await lastAnswer(none.desk, none.code)).toContain(
      "Đề nghị bổ sung: đầu mối liên hệ (họ tên, số điện thoại) (Điều 12.2a).",
    );
  });
});

describe("a cancellation withdraws an invite only when one was sent", () => {
  // Before: a booking still waiting for details (no invite ever sent) was cancelled with a METHOD:CANCEL calendar
  // (found by h-e2e18 against the running desk, SEQUENCE:4).
  const calendarsOf = async (desk: Desk, code: string) =>
    (await desk.store.read((r) => r.outbox.list({ booking: code })))
      .filter((m) => m.channel === "mail" && m.payload.calendar)
      .map((m) => (m.payload.calendar as { method: string }).method);

  it("a booking never confirmed: the cancellation carries no calendar", async () => {
    const { desk, reply, code, booking } = await bookedInThread(
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng về giao ban quý IV.",
    );
    expect((await booking()).status).toBe("needs-info");
    expect((await reply("Sở Công Thương xin hủy lịch họp này.")).kind).toBe("cancelled");
    expect(await lastAnswer(desk, code)).toContain("ĐÃ HỦY");
    expect(await calendarsOf(desk, code)).toEqual([]);
  });

  it("a confirmed booking: the cancellation withdraws its invite", async () => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    expect((await reply("Sở Công Thương xin hủy lịch họp này.")).kind).toBe("cancelled");
    expect(await calendarsOf(desk, code)).toEqual(["REQUEST", "CANCEL"]);
  });
});
