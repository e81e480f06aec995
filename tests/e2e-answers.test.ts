import { describe, expect, it } from "vitest";
import { at, makeDesk } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

// Found by trying the running desk as a clerk (Dovecot, SMTP sink, Telegram emulator): a booking on a public
// holiday or in the evening was confirmed with nothing that would make the clerk look twice at a mistyped date.

const NOW = at("2026-11-30", "09:10"); // Monday

async function answerFor(time: string): Promise<string> {
  const desk = await makeDesk();
  const out = await mailDeskOf(desk).handle(
    mail({ id: "m@hanoi.gov.vn", body: template(1, undefined, time) }),
    NOW,
  );
  expect(out).toMatchObject({ kind: "registered" });
  return lastAnswer(desk);
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

  it("a session on a working day in office hours carries no note", async () => {
    const text = await answerFor("từ 09h00 đến 11h00 ngày 10/12/2026");
    expect(text).toContain("ĐÃ XÁC NHẬN");
    expect(text).not.toContain("Lưu ý:");
  });
});
