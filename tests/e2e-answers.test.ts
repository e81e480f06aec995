import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { loadHolidayCalendar } from "../src/app/config.js";
import { offHoursRemark } from "../src/core/booking/messages.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { at, CALENDAR_DIR, makeDesk, request } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

// Found by trying the running desk as a clerk (Dovecot, SMTP sink, Telegram emulator): a booking on a public
// holiday or in the evening was confirmed with nothing that would make the clerk look twice at a mistyped date.

const NOW = at("2026-11-30", "09:10"); // Monday

async function answerFor(time: string): Promise<string> {
  return (await answersFor(time)).mail;
}

/** The clerk's answer and the support group's line about the booking. */
async function answersFor(time: string): Promise<{ mail: string; group: string }> {
  const desk = await makeDesk();
  const out = await mailDeskOf(desk).handle(
    mail({ id: "m@hanoi.gov.vn", body: template(1, undefined, time) }),
    NOW,
  );
  expect(out).toMatchObject({ kind: "registered" });
  const group = (await desk.store.read((r) => r.outbox.list()))
    .filter((m) => m.channel === "group" && m.kind === "booking-public")
    .map((m) => String(m.payload.text));
  expect(group).toHaveLength(1);
  return { mail: await lastAnswer(desk), group: group[0]! };
}

describe("the answer points out a day off or a time outside office hours", () => {
  it("a session on a public holiday is confirmed with a note naming the holiday", async () => {
    const text = await answerFor("từ 09h00 đến 10h00 ngày 01/01/2027");
    expect(text).toContain("ĐÃ XÁC NHẬN");
    expect(text).toContain(
      "Lưu ý: Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch); đề nghị kiểm tra lại ngày họp.",
    );
  });

  it("a session on a Sunday says it is a weekend day", async () => {
    const text = await answerFor("từ 09h00 đến 10h00 ngày 13/12/2026");
    expect(text).toContain(
      "Lưu ý: Chủ nhật, 13/12/2026 là ngày nghỉ cuối tuần; đề nghị kiểm tra lại ngày họp.",
    );
  });

  it("an evening session says it is outside office hours", async () => {
    const text = await answerFor("từ 20h00 đến 21h30 ngày 09/12/2026");
    expect(text).toContain("ĐÃ XÁC NHẬN");
    expect(text).toContain(
      "Lưu ý: phiên họp ngoài giờ hành chính (07:30–17:00); đề nghị kiểm tra lại giờ họp.",
    );
  });

  it("an emergency on a holiday evening is said to be arranged, not sent back to be checked", async () => {
    const desk = await makeDesk();
    const received = at("2027-01-01", "08:00");
    const res = await registerBooking(
      desk,
      request({
        emergency: true,
        start: at("2027-01-01", "19:00"),
        end: at("2027-01-01", "20:00"),
        receivedAt: received,
      }),
      { now: received },
    );
    expect(res.duplicate ? null : res.decision.outcome).toBe("confirmed");
    const text = (await desk.store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "mail")
      .map((m) => String(m.payload.text))
      .join("\n");
    expect(text).toContain(
      "Lưu ý: Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch); phiên họp ngoài giờ hành chính (07:30–17:00); phiên họp khẩn vẫn được bố trí.",
    );
    expect(text).not.toContain("đề nghị kiểm tra lại");
  });

  it("a session on a working day in office hours carries no note", async () => {
    const text = await answerFor("từ 09h00 đến 11h00 ngày 10/12/2026");
    expect(text).toContain("ĐÃ XÁC NHẬN");
    expect(text).not.toContain("Lưu ý:");
  });
});

describe("the group's line about the booking carries the same remark", () => {
  it("a holiday and an evening are said under the line; office hours add nothing", async () => {
    const holiday = await answersFor("từ 09h00 đến 10h00 ngày 01/01/2027");
    expect(holiday.group).toMatch(/ĐÃ XÁC NHẬN/);
    expect(holiday.group).toContain("\nLưu ý: Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch).");
    const both = await answersFor("từ 19h00 đến 20h00 ngày 01/01/2027");
    expect(both.mail).toContain(
      "Lưu ý: Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch); đề nghị kiểm tra lại ngày họp.\nLưu ý: phiên họp ngoài giờ hành chính (07:30–17:00); đề nghị kiểm tra lại giờ họp.",
    );
    expect(both.group).toContain(
      "\nLưu ý: Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch); phiên họp ngoài giờ hành chính (07:30–17:00).",
    );
    const evening = await answersFor("từ 18h00 đến 19h00 ngày 09/12/2026");
    expect(evening.mail).toContain("Lưu ý: phiên họp ngoài giờ hành chính (07:30–17:00)");
    expect(evening.group).toContain("\nLưu ý: phiên họp ngoài giờ hành chính (07:30–17:00).");
    const early = await answersFor("từ 06h00 đến 07h00 ngày 09/12/2026");
    expect(early.group).toContain("Lưu ý: phiên họp ngoài giờ hành chính");
    const plain = await answersFor("từ 09h00 đến 11h00 ngày 10/12/2026");
    expect(plain.group).not.toContain("Lưu ý");
  });

  it("is decided in the core, from the request, the outcome and the calendar alone", () => {
    const holidays = loadHolidayCalendar(CALENDAR_DIR);
    const req = (from: string, to: string) => ({ start: new Date(from), end: new Date(to) });
    const remark = (from: string, to: string, outcome: "confirmed" | "rejected" = "confirmed") =>
      offHoursRemark(req(from, to), outcome, "Asia/Ho_Chi_Minh", DEFAULT_REGULATION.workday, holidays);
    expect(remark("2027-01-01T02:00:00Z", "2027-01-01T03:00:00Z")).toEqual({
      day: "Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch)",
      time: null,
    });
    // 19:00 on 01/01: both are said, either may be the typing mistake.
    expect(remark("2027-01-01T12:00:00Z", "2027-01-01T13:00:00Z")).toEqual({
      day: "Thứ Sáu, 01/01/2027 là ngày nghỉ (Tết Dương lịch)",
      time: "phiên họp ngoài giờ hành chính (07:30–17:00)",
    });
    expect(remark("2027-01-01T02:00:00Z", "2027-01-01T03:00:00Z", "rejected")).toBeNull();
    // 17:30–18:30 in Hanoi: past the end of office hours.
    expect(remark("2026-12-09T10:30:00Z", "2026-12-09T11:30:00Z")).toEqual({
      day: null,
      time: "phiên họp ngoài giờ hành chính (07:30–17:00)",
    });
    expect(remark("2026-12-09T02:00:00Z", "2026-12-09T04:00:00Z")).toBeNull();
  });
});

describe("what reading the request doubted is said to the clerk", () => {
  it("a weekday that contradicts the date: confirmed on the date, with a note naming both days", async () => {
    const text = await answerFor("9h00 thứ Ba 10/12/2026");
    expect(text).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    expect(text).toContain(
      "Lưu ý: thư ghi Thứ Ba nhưng ngày 10/12/2026 là Thứ Năm; lịch được xếp theo ngày 10/12/2026, đề nghị kiểm tra lại.",
    );
  });

  // The mail is dated Monday 07/12/2026: «mai» and «tuần sau» count from it.
  it("«chiều mai», «sáng thứ 6 tuần sau» without an hour: the day understood is said back, the hour asked", async () => {
    const tomorrow = await answerFor("chiều mai");
    expect(tomorrow).toContain("CẦN BỔ SUNG THÔNG TIN");
    expect(tomorrow).toContain(
      "Lưu ý: đã hiểu ngày họp là Thứ Ba, 08/12/2026 nhưng chưa rõ giờ bắt đầu; đề nghị trả lời thư này ghi giờ bắt đầu và giờ kết thúc, ví dụ «14h00 đến 16h00».",
    );
    const nextFriday = await answerFor("sáng thứ 6 tuần sau");
    expect(nextFriday).toContain("Lưu ý: đã hiểu ngày họp là Thứ Sáu, 18/12/2026 nhưng chưa rõ giờ bắt đầu");
  });

  it("«thứ Hai 31/11»: asked for the date, not confirmed for the next Monday", async () => {
    const text = await answerFor("9h00 thứ Hai 31/11/2026");
    expect(text).toContain("CẦN BỔ SUNG THÔNG TIN");
    expect(text).not.toContain("ĐÃ XÁC NHẬN");
    expect(text).toContain("Lưu ý: ngày 31/11/2026 không có trong lịch; đề nghị gửi lại ngày họp.");
  });
});

describe("a mail naming another agency as host (Điều 11.1, 12.2a)", () => {
  it("is answered «chờ xem xét» with the reason, and holds no chair's priority", async () => {
    const desk = await makeDesk();
    const body = template(7).replace(
      "Tên cơ quan chủ trì họp: Sở Công Thương",
      "Tên cơ quan chủ trì họp: UBND thành phố Hà Nội",
    );
    const out = await mailDeskOf(desk).handle(mail({ id: "claim@hanoi.gov.vn", body }), NOW);
    expect(out).toMatchObject({ kind: "registered", decision: { outcome: "needs-review" } });
    const answer = await lastAnswer(desk);
    expect(answer).toContain(
      "Cơ quan chủ trì «UBND thành phố Hà Nội» khác cơ quan gửi thư đăng ký (Sở Công Thương)",
    );
    const code = (out as { code: string }).code;
    const booking = await desk.store.read((r) => r.bookings.get(code));
    expect(booking?.priority).toBe(1);
    expect(booking?.reasons).toContain("host-not-sender");
  });
});

describe("an answer asking for missing fields", () => {
  it("names each missing field once, with its article", async () => {
    const desk = await makeDesk();
    const body = template(8)
      .split("\n")
      .filter((l) => !l.includes("Thời gian đăng ký họp") && !l.includes("đầu mối liên hệ"))
      .join("\n");
    const out = await mailDeskOf(desk).handle(mail({ id: "missing@hanoi.gov.vn", body }), NOW);
    expect(out).toMatchObject({ kind: "registered", decision: { outcome: "needs-info" } });
    const answer = await lastAnswer(desk);
    expect(answer).toContain(
      "Đề nghị bổ sung: thời gian họp; đầu mối liên hệ (họ tên, số điện thoại) (Điều 12.2a).",
    );
    expect(answer.split("thời gian họp").length - 1).toBe(1);
    expect(answer).not.toContain("Đăng ký còn thiếu");
  });
});
