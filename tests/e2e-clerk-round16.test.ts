import { describe, expect, it } from "vitest";
import { at, makeDesk } from "./helpers.js";
import {
  bookedInThread,
  CLERK_DATE,
  CLERK_NOW,
  lastAnswer,
  mailAnswers,
  mailDeskOf,
} from "./support/mail-desk.js";
import { mail } from "./support/service.js";

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

/** Sở Công Thương hosting at its own endpoint, UBND phường Ngọc Hà its only participant. */
const NGOC_HA =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

describe("the host moves onto the only participant, the old host attending", () => {
  // Before: «…, Sở Công Thương là điểm cầu tham dự» was not read (only «điểm cầu tham dự: Sở Công Thương» was), and
  // the move was refused as leaving the session with no participant.
  for (const said of [
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà, Sở Công Thương là điểm cầu tham dự.",
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà; Sở Công Thương chuyển thành điểm cầu tham dự.",
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà, còn Sở Công Thương sẽ là điểm cầu thành phần.",
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà, điểm cầu tham dự: Sở Công Thương.",
  ])
    it(said, async () => {
      const { desk, reply, code, booking } = await bookedInThread(NGOC_HA);
      expect((await reply(said)).kind).toBe("changed");
      const b = await booking();
      expect(b).toMatchObject({ status: "confirmed", hostEndpoint: "CX-00008" });
      expect(b.request.participants).toEqual(["SCT-01"]);
      const answer = await lastAnswer(desk, code);
      expect(answer).toMatch(/^Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN\./);
      expect(answer).toContain("điểm cầu chủ trì từ Sở Công Thương (SCT-01) sang Phường Ngọc Hà (CX-00008)");
    });

  it("«…, Sở Công Thương không còn là điểm cầu tham dự» names no one attending: refused, the booking kept", async () => {
    const { reply, booking } = await bookedInThread(NGOC_HA);
    const said =
      "Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà, Sở Công Thương không còn là điểm cầu tham dự.";
    expect((await reply(said)).kind).toBe("change-refused");
    expect((await booking()).request.participants).toEqual(["CX-00008"]);
  });

  it("a refused host move is in the audit trail, as a refused change of time is", async () => {
    // Before: the host move onto the only participant left no audit row; a refused time read «thay đổi: …», as if made.
    const { desk, reply, code } = await bookedInThread(NGOC_HA);
    const events = () => desk.store.read((r) => r.bookings.events(code));
    const before = (await events()).length;
    expect((await reply("Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà.")).kind).toBe(
      "change-refused",
    );
    expect((await reply("Đề nghị đổi giờ họp sang 7h00 đến 8h00 ngày 30/11/2026.")).kind).toBe(
      "change-refused",
    );
    const added = (await events()).slice(before);
    expect(added).toMatchObject([
      {
        from: "confirmed",
        to: "confirmed",
        actor: "vanthu.sct@hanoi.gov.vn",
        channel: "mail",
        reason: "đề nghị thay đổi không thực hiện được, lịch giữ nguyên: điểm cầu chủ trì",
      },
      {
        from: "confirmed",
        to: "confirmed",
        reason: "đề nghị thay đổi không thực hiện được, lịch giữ nguyên: giờ bắt đầu, giờ kết thúc",
      },
    ]);
  });
});

describe("a reply that asks a question", () => {
  // Before: «Dạ cho em hỏi …?» in the thread went unanswered, as a thank-you does; the clerk could not tell it was read.
  it("is answered that it went to a technician and the booking stands; a thank-you still gets nothing", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const before = await booking();
    const answers = async () => (await mailAnswers(desk, code)).length;
    const n = await answers();
    expect((await reply("Xin cảm ơn Trung tâm đã bố trí.")).kind).toBe("ignored");
    expect(await answers()).toBe(n);
    expect((await reply("Dạ cho em hỏi phòng họp có hỗ trợ trình chiếu không ạ?")).kind).toBe("ignored");
    const answer = await lastAnswer(desk, code);
    expect(answer).toMatch(/^Lịch họp HTT-2026-0001: ĐÃ NHẬN CÂU HỎI\./);
    expect(answer).toContain("câu hỏi đã được chuyển cán bộ kỹ thuật để trả lời");
    expect(answer).toContain("giữ nguyên như đã đăng ký");
    expect((await booking()).sequence).toBe(before.sequence);
    const desks = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "desk");
    expect(String(desks.at(-1)!.payload.text)).toContain("có câu hỏi của cơ quan đăng ký");
  });
});

describe("a cancellation in a new mail that names no code", () => {
  // Before: the session found by its day and content was cancelled with «Lý do: cơ quan đăng ký đề nghị hủy.», the
  // clerk's reason dropped (a reply in the thread kept it).
  it("says the clerk's reason back, as in the thread", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "dk@hanoi.gov.vn", body: LETTER, date: CLERK_DATE }), CLERK_NOW);
    const out = await md.handle(
      mail({
        id: "huy@hanoi.gov.vn",
        body: "Kính gửi Trung tâm, Sở Công Thương xin hủy cuộc họp giao ban ngày 10/12/2026 do lãnh đạo Sở bận đột xuất.",
        date: CLERK_DATE,
      }),
      CLERK_NOW,
    );
    expect(out).toMatchObject({ kind: "cancelled", code: "HTT-2026-0001" });
    const answer = await lastAnswer(desk, "HTT-2026-0001");
    expect(answer).toContain("Lý do: cơ quan đăng ký đề nghị hủy (lãnh đạo Sở bận đột xuất).");
  });
});

describe("a change that also asks a question", () => {
  // Before: the change was made and answered; the question was lost (no technician told, the clerk not either).
  it("the change is made, the question goes to a technician, and the clerk is told so", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const out = await reply(
      "Sở xin đổi giờ họp sang 14h00 đến 16h00 ngày 10/12/2026. Cho em hỏi Sở có cần gửi lại công văn không ạ?",
    );
    expect(out.kind).toBe("changed");
    expect((await booking()).request.start).toEqual(at("2026-12-10", "14:00"));
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("Đã cập nhật theo thư: thời gian");
    expect(answer).toContain("Lưu ý: thư có câu hỏi; câu hỏi đã được chuyển cán bộ kỹ thuật để trả lời.");
    const desks = (await desk.store.read((r) => r.outbox.list({ booking: code }))).filter(
      (m) => m.kind === "mail-reply-question",
    );
    expect(desks).toHaveLength(1);
  });

  it("«… được không ạ?» is the change itself: no question remark", async () => {
    const { desk, reply, code } = await bookedInThread(LETTER);
    expect((await reply("Sở xin đổi giờ họp sang 14h00 đến 16h00 ngày 10/12/2026 được không ạ?")).kind).toBe(
      "changed",
    );
    expect(await lastAnswer(desk, code)).not.toContain("câu hỏi");
  });
});

describe("a move to no time yet", () => {
  // Before: «… chuyển cuộc họp sang tuần sau, thời gian cụ thể sẽ thông báo sau» went unanswered, as a thank-you.
  it("«chuyển cuộc họp sang tuần sau, thời gian cụ thể sẽ thông báo sau» is a postponement", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    const out = await reply(
      "Do thay đổi kế hoạch, Sở đề nghị chuyển cuộc họp sang tuần sau, thời gian cụ thể sẽ thông báo sau.",
    );
    expect(out.kind).toBe("postponed");
    expect((await booking()).status).toBe("needs-review");
    expect(await lastAnswer(desk, code)).toContain("ĐÃ GHI NHẬN ĐỀ NGHỊ HOÃN, CHỜ XEM XÉT");
  });

  it("a move to a day of next week with its hour stays a move", async () => {
    const { reply, booking } = await bookedInThread(LETTER);
    expect(
      (await reply("Sở đề nghị chuyển cuộc họp sang tuần sau, 9h00 đến 11h00 ngày 15/12/2026.")).kind,
    ).toBe("changed");
    expect((await booking()).request.start).toEqual(at("2026-12-15", "09:00"));
  });
});
