import { describe, expect, it } from "vitest";
import { at } from "./helpers.js";
import { bookedInThread, lastAnswer } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

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

describe("a second session registered in the thread of the first", () => {
  for (const opening of [
    "Sở Công Thương đăng ký thêm một cuộc họp trực tuyến khác",
    "Sở Công Thương xin đăng ký một cuộc họp khác",
    "De nghi Trung tam bo tri them mot cuoc hop",
  ])
    it(`«${opening} …» books a second session and leaves the first as it was`, async () => {
      const { desk, reply, code, first, booking } = await booked();
      const out = await reply(
        `Kính gửi Trung tâm,\n${opening} từ 14h00 đến 16h00 ngày 15/12/2026 với UBND phường Láng, nội dung: tập huấn phần mềm. Liên hệ Lâm Thị Ngọc 0983210456.`,
      );
      // The first was moved to the 15th, given Phường Láng and the new content, and sent back for details.
      const kept = await booking();
      expect(kept.status).toBe("confirmed");
      expect(kept.sequence).toBe(first.sequence);
      expect(kept.request.start).toEqual(first.request.start);
      expect(kept.request.participants).toEqual(first.request.participants);
      expect(kept.request.title).toBe("giao ban");
      expect(out).toMatchObject({ kind: "registered", code: "HTT-2026-0002" });
      const answer = await lastAnswer(desk, "HTT-2026-0002");
      expect(answer).toContain("Lịch họp HTT-2026-0002: ĐÃ XÁC NHẬN.");
      expect(answer).toContain("Thời gian: 14:00–16:00 Thứ Ba, 15/12/2026.");
      expect(answer).toContain("Điểm cầu (2): Sở Công Thương (SCT-01); Phường Láng (CX-00199).");
      expect(code).toBe("HTT-2026-0001");
    });

  it("«Do trùng cuộc họp khác, xin lùi sang 15h.» still moves the thread's session", async () => {
    const { desk, reply, code } = await booked();
    await reply("Do trùng cuộc họp khác, xin lùi sang 15h.");
    expect(await lastAnswer(desk, code)).toContain("Thời gian: 15:00–17:00 Thứ Năm, 10/12/2026.");
  });
});

describe("the lead time of a move counts from the reply (Điều 12.2a)", () => {
  /** The clerk's reply in the booking's thread, written and read at 16:00 on Monday 30/11. */
  const replyAt16 = async (text: string) => {
    const thread = await booked();
    const now = at("2026-11-30", "16:00");
    await thread.md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        body: text,
        date: "Mon, 30 Nov 2026 16:00:00 +0700",
        headers: { "In-Reply-To": "<dk@hanoi.gov.vn>", References: "<dk@hanoi.gov.vn>" },
      }),
      now,
    );
    return { ...thread, answer: await lastAnswer(thread.desk, thread.code), after: await thread.booking() };
  };

  for (const [said, time, rule] of [
    [
      "Xin chuyển sang 14h00 ngày mai.",
      "14:00–16:00 Thứ Ba, 01/12/2026",
      "họp thông thường cần đăng ký trước ít nhất 24 giờ",
    ],
    [
      "Đề nghị họp khẩn, chuyển sang 20h00 hôm nay.",
      "20:00–22:00 Thứ Hai, 30/11/2026",
      "họp đột xuất, khẩn cấp cần đăng ký trước ít nhất 6 giờ",
    ],
  ])
    it(`«${said}» at 16:00 is late and goes to review (it was confirmed, counted from the first mail)`, async () => {
      const { answer, after, first } = await replyAt16(said!);
      expect(answer).toContain("ĐÃ TIẾP NHẬN, CHỜ XEM XÉT.");
      expect(answer).toContain(`Thời gian: ${time}.`);
      expect(answer).toContain(`Đăng ký gửi muộn: ${rule} (Điều 12.2a)`);
      expect(after.status).toBe("needs-review");
      // The booking's receipt stays the first mail's.
      expect(after.request.receivedAt).toEqual(first.request.receivedAt);
    });

  it("adding an endpoint is no move: its lead time still counts from the first mail", async () => {
    const { answer, after } = await replyAt16("Bổ sung điểm cầu UBND phường Láng.");
    expect(answer).toContain("ĐÃ XÁC NHẬN.");
    expect(after.status).toBe("confirmed");
  });
});

describe("the answer clock of a change sent to review (Điều 12.2b)", () => {
  it("a move at 16:00 sent to review is due at 18:00, not overdue from the first mail at 09:10", async () => {
    const { desk, md, code } = await booked();
    await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        body: "Xin chuyển sang 14h00 ngày mai.",
        date: "Mon, 30 Nov 2026 16:00:00 +0700",
        headers: { "In-Reply-To": "<dk@hanoi.gov.vn>", References: "<dk@hanoi.gov.vn>" },
      }),
      at("2026-11-30", "16:00"),
    );
    const jobs = (await desk.store.read((r) => r.jobs.list())).filter((j) => j.key === code);
    const breach = jobs.find((j) => j.kind === "answer-breach");
    // It was due at 11:10, hours before the change came: the admin was told of a breach at once.
    expect(breach?.runAt).toEqual(at("2026-11-30", "18:00"));
    expect(jobs.find((j) => j.kind === "answer-reminder")?.runAt).toEqual(at("2026-11-30", "17:30"));
  });
});

describe("a reply asking again for a cancelled session", () => {
  for (const [said, time] of [
    ["Sở xin đăng ký lại lịch họp này ạ.", "09:00–11:00 Thứ Năm, 10/12/2026"],
    ["Sở xin rút lại đề nghị hủy, vẫn họp như cũ ạ.", "09:00–11:00 Thứ Năm, 10/12/2026"],
    ["Xin khôi phục lịch họp đã hủy.", "09:00–11:00 Thứ Năm, 10/12/2026"],
    ["Sở xin đăng ký lại, họp vào 14h00 ngày 11/12/2026.", "14:00–16:00 Thứ Sáu, 11/12/2026"],
  ])
    it(`«${said}» registers the same session anew (it went unanswered, or was told to send a new mail)`, async () => {
      const { desk, reply, code, booking } = await booked();
      await reply("Xin hủy cuộc họp.");
      expect((await booking()).status).toBe("cancelled");
      const out = await reply(said!);
      expect(out).toMatchObject({ kind: "registered", code: "HTT-2026-0002" });
      const answer = await lastAnswer(desk, "HTT-2026-0002");
      expect(answer).toMatch(
        new RegExp(
          `^Lịch họp HTT-2026-0002: ĐÃ XÁC NHẬN\\.\\nLịch họp ${code} đã hủy nên không khôi phục được`,
        ),
      );
      expect(answer).toContain(`Thời gian: ${time}.`);
      expect(answer).toContain("Điểm cầu (2): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008).");
      expect(answer).toContain("Nội dung: giao ban.");
      expect((await booking()).status).toBe("cancelled");
    });

  it("asked twice, the second is told the session is already registered, nothing new", async () => {
    const { desk, reply } = await booked();
    await reply("Xin hủy cuộc họp.");
    await reply("Sở xin đăng ký lại lịch họp này ạ.");
    await reply("Sở xin đăng ký lại lịch họp này ạ.");
    expect(await desk.store.read((r) => r.bookings.list({}))).toHaveLength(2);
    expect(await lastAnswer(desk)).toContain("Lịch họp HTT-2026-0002: ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ.");
  });

  it("«Xin lùi sang 15h.» to a cancelled session still says it cannot be changed", async () => {
    const { desk, reply, code } = await booked();
    await reply("Xin hủy cuộc họp.");
    await reply("Xin lùi sang 15h.");
    expect(await desk.store.read((r) => r.bookings.list({}))).toHaveLength(1);
    expect(await lastAnswer(desk)).toContain(
      `Lịch họp ${code} đang ở trạng thái «đã hủy» nên không thể thay đổi`,
    );
  });
});

describe("a reply moving the session to a weekday with no date", () => {
  for (const [said, time] of [
    ["Đề nghị chuyển sang sáng thứ Sáu.", "09:00–11:00 Thứ Sáu, 11/12/2026"],
    ["Đề nghị chuyển cuộc họp sang thứ Sáu, giờ như cũ.", "09:00–11:00 Thứ Sáu, 11/12/2026"],
    ["Xin doi sang thu Sau.", "09:00–11:00 Thứ Sáu, 11/12/2026"],
    ["Xin chuyển sang 14h00 thứ Hai.", "14:00–16:00 Thứ Hai, 07/12/2026"],
    // A week said is still that week.
    ["Xin chuyển sang thứ Sáu tuần này.", "09:00–11:00 Thứ Sáu, 04/12/2026"],
  ])
    it(`«${said}» is that day of the session's week (it was the mail's next one, days before the session)`, async () => {
      const { desk, reply, code } = await booked();
      await reply(said!);
      expect(await lastAnswer(desk, code)).toContain(`Thời gian: ${time}.`);
    });
});

describe("a reply moving the session to another part of a day, with no hour", () => {
  for (const [said, part, example] of [
    ["Đề nghị chuyển sang chiều thứ Sáu.", "chiều", "14h00 đến 16h00"],
    ["De nghi chuyen sang chieu thu Sau.", "chiều", "14h00 đến 16h00"],
  ])
    it(`«${said}» to a 09:00 session asks for the hour (it was moved to 09:00 Friday in silence)`, async () => {
      const { desk, reply, code, booking, first } = await booked();
      await reply(said!);
      const answer = await lastAnswer(desk, code);
      expect(answer).toContain(`Lịch họp ${code}: CHƯA ĐỔI ĐƯỢC THỜI GIAN.`);
      expect(answer).toContain(
        `Thư đề nghị chuyển sang buổi ${part} Thứ Sáu, 11/12/2026 nhưng không ghi giờ họp; lịch họp ${code} giữ nguyên như đã đăng ký.`,
      );
      expect(answer).toContain(`ví dụ «${example} Thứ Sáu, 11/12/2026»`);
      expect((await booking()).sequence).toBe(first.sequence);
    });

  it("«sáng thứ Sáu» to a session moved to 15:00 asks for the hour too", async () => {
    const { desk, reply, code } = await booked();
    await reply("Xin lùi sang 15h cùng ngày.");
    await reply("Đề nghị chuyển sang sáng thứ Sáu.");
    expect(await lastAnswer(desk, code)).toContain("Thư đề nghị chuyển sang buổi sáng Thứ Sáu, 11/12/2026");
  });

  for (const said of ["Xin lùi sang thứ Sáu.", "Đề nghị chuyển sang chiều thứ Sáu, từ 14h00 đến 16h00."])
    it(`«${said}» to a 15:00 session moves it (no part of the day asked, or the hour given)`, async () => {
      const { desk, reply, code } = await booked();
      await reply("Xin lùi sang 15h cùng ngày.");
      await reply(said);
      expect(await lastAnswer(desk, code)).toContain("ĐÃ XÁC NHẬN");
    });
});
