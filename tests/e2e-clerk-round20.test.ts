import { describe, expect, it } from "vitest";
import { bookedInThread, lastAnswer, sendAsClerk } from "./support/mail-desk.js";

// Replies in a booking's thread from the round-20 clerk trial: each `it` a misread found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";
/** The same booking without a contact: it waits for details (needs-info). */
const WAITING =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban.";

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

describe("«vẫn» restates the booked time: it neither moves nor re-decides it", () => {
  // Before: to a booking waiting for details, «Thời gian vẫn từ 9h00 đến 11h30 ạ» moved the end to 11:30, and
  // «Thời gian vẫn từ 9h00 ạ» alone re-decided the booking.
  it.each([WAITING, LETTER])("«Dạ thời gian vẫn từ 9h00 đến 11h30 ạ, liên hệ …» (%#)", async (letter) => {
    const { reply, booking } = await bookedInThread(letter);
    await reply("Dạ thời gian vẫn từ 9h00 đến 11h30 ạ, liên hệ Lâm Thị Ngọc 0983210456.");
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(b.request.end?.toISOString()).toBe("2026-12-10T04:00:00.000Z");
    expect(b.request.contact).toEqual({ name: "Lâm Thị Ngọc", phone: "0983210456" });
    expect(b.status).toBe("confirmed");
  });

  it("«Thời gian vẫn từ 9h00 ạ.» to a booking waiting for details changes nothing", async () => {
    const { reply, booking } = await bookedInThread(WAITING);
    const before = await booking();
    expect((await reply("Thời gian vẫn từ 9h00 ạ.")).kind).toBe("ignored");
    const after = await booking();
    expect(after.sequence).toBe(before.sequence);
    expect(after.status).toBe("needs-info");
  });

  it("«Thời gian vẫn từ 9h00 ạ. Cho hỏi …» hears the time stands with its question forwarded", async () => {
    const { desk, reply, code, booking } = await bookedInThread(LETTER);
    expect((await reply("Thời gian vẫn từ 9h00 ạ. Cho em hỏi có cần thử kết nối trước không?")).kind).toBe(
      "ignored",
    );
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("ĐÃ NHẬN CÂU HỎI");
    expect(answer).toContain(`Lịch họp ${code} vẫn ở thời gian 09:00–11:00 Thứ Năm, 10/12/2026`);
    expect((await booking()).sequence).toBe(1);
  });

  it("«vẫn họp ngày 10/12 nhưng xin đổi sang 14h» still moves the hour", async () => {
    const { reply, booking } = await bookedInThread(LETTER);
    expect((await reply("Sở vẫn họp ngày 10/12 nhưng xin đổi giờ sang 14h00 đến 16h00.")).kind).toBe(
      "changed",
    );
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe("2026-12-10T07:00:00.000Z");
    expect(b.request.end?.toISOString()).toBe("2026-12-10T09:00:00.000Z");
  });

  // A time restated beside one asked for says what stays: «kết thúc vẫn 11h00» keeps the end (it moved with the start).
  it.each([
    [
      "Em xin phép điều chỉnh: cuộc họp bắt đầu lúc 8h30 thay vì 9h00, kết thúc vẫn 11h00 ạ.",
      "01:30",
      "04:00",
      "10",
    ],
    ["Giờ họp vẫn từ 9h00 đến 11h00, xin chuyển sang ngày 11/12/2026.", "02:00", "04:00", "11"],
  ])("«%s»", async (text, start, end, day) => {
    const { reply, booking } = await bookedInThread(LETTER);
    expect((await reply(text)).kind).toBe("changed");
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe(`2026-12-${day}T${start}:00.000Z`);
    expect(b.request.end?.toISOString()).toBe(`2026-12-${day}T${end}:00.000Z`);
  });

  it("a booking that has no hour yet takes the one said with «vẫn»", async () => {
    const { reply, booking } = await bookedInThread(
      "Sở Công Thương đăng ký họp trực tuyến buổi sáng ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    await reply("Dạ thời gian vẫn là buổi sáng, từ 8h30 đến 10h30 ạ.");
    const b = await booking();
    expect(b.request.start?.toISOString()).toBe("2026-12-10T01:30:00.000Z");
    expect(b.request.end?.toISOString()).toBe("2026-12-10T03:30:00.000Z");
  });
});

describe("a session hosted at another unit's hall is booked with the Sở's endpoint attending", () => {
  // Before: «Điểm cầu chính tại Hội trường UBND phường Ngọc Hà» with Ngọc Hà the only unit named left no participant,
  // and the booking was sent back asking for «điểm cầu».
  it("«…, nội dung giao ban với UBND phường Ngọc Hà. Điểm cầu chính tại Hội trường UBND phường Ngọc Hà.»", async () => {
    const { booking, answer } = await sendAsClerk(
      "Kính gửi Trung tâm, Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026, nội dung giao ban với UBND phường Ngọc Hà. Điểm cầu chính tại Hội trường UBND phường Ngọc Hà. Liên hệ: Lâm Thị Ngọc 0983210456.",
    );
    expect(booking?.status).toBe("confirmed");
    expect(booking?.hostEndpoint).toBe("CX-00008");
    expect(booking?.request.participants).toEqual(["SCT-01"]);
    expect(answer).toContain("lịch này hiểu là điểm cầu Sở Công Thương tham dự");
  });
});
