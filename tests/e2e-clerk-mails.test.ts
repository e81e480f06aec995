import { describe, expect, it } from "vitest";
import { at, makeDesk } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Found by trying the desk as a clerk writing the mails offices really write.

const NOW = at("2026-11-30", "09:10"); // Monday
const DATE = "Mon, 30 Nov 2026 09:00:00 +0700";

async function send(body: string, subject?: string) {
  const desk = await makeDesk();
  const outcome = await mailDeskOf(desk).handle(
    mail({ id: "m@hanoi.gov.vn", body, date: DATE, ...(subject ? { subject } : {}) }),
    NOW,
  );
  const outbox = await desk.store.read((r) => r.outbox.list());
  const bookings = await desk.store.read((r) => r.bookings.list({}));
  return { desk, outcome, outbox, bookings, answer: await lastAnswer(desk) };
}

describe("a mail to the desk that is no booking opens no booking", () => {
  const NOT_BOOKINGS: [string, string][] = [
    [
      "Góp ý về chất lượng đường truyền",
      "Kính gửi Trung tâm,\nTuần trước đường truyền tại điểm cầu phường Ngọc Hà hay bị giật. Đề nghị kiểm tra.\nTrân trọng.",
    ],
    ["Hỏi thủ tục", "Xin hỏi thủ tục đăng ký thêm điểm cầu mới cho Sở thế nào ạ?"],
  ];
  for (const [subject, body] of NOT_BOOKINGS) {
    it(subject, async () => {
      const { outcome, outbox, bookings, answer } = await send(body, subject);
      expect(outcome).toMatchObject({ kind: "ignored" });
      expect(bookings).toHaveLength(0);
      expect(answer).toContain("không phải là đăng ký lịch họp");
      expect(answer).toContain("Điều 12.2a");
      expect(answer).not.toContain("HTT-");
      const notice = outbox.find((m) => m.channel === "desk");
      expect(String(notice?.payload.text)).toContain("Sở Công Thương");
      // The notice names who wrote, not what: a subject can carry what a group must not read.
      expect(String(notice?.payload.text)).not.toContain(subject);
    });
  }

  it("a booking that forgot its time and content is still a booking, asked for what it lacks", async () => {
    const { outcome, bookings } = await send(
      "Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà.\nLiên hệ: Nguyễn Văn An, 0912 345 678",
    );
    expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "needs-info" } });
    expect(bookings).toHaveLength(1);
  });
});
