import { describe, expect, it } from "vitest";
import { makeDesk } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, mailAnswers, mailDeskOf } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// The same registration sent twice (two Message-IDs) is answered «ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ» with the first booking. Two
// paths may read the mailbox at once (the IMAP listener and `mail ingest`, or two MailDesks on one PostgreSQL): the
// check and the registration must be one step, or both mails see no booking and both are booked.

const letter =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 14/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.";

describe("the same registration on two paths at once", () => {
  it("books it once; the other mail is answered with that booking", async () => {
    const desk = await makeDesk();
    const [a, b] = [mailDeskOf(desk), mailDeskOf(desk)];
    const outcomes = await Promise.all([
      a.handle(mail({ id: "lan1@hanoi.gov.vn", body: letter, date: CLERK_DATE }), CLERK_NOW),
      b.handle(mail({ id: "lan2@hanoi.gov.vn", body: letter, date: CLERK_DATE }), CLERK_NOW),
    ]);
    const bookings = await desk.store.read((r) => r.bookings.list({}));
    expect(bookings.map((x) => x.status)).toEqual(["confirmed"]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["ignored", "registered"]);
    const answers = (await mailAnswers(desk)).map((m) => String(m.payload.text));
    expect(answers).toHaveLength(2);
    const repeat = answers.find((t) => t.includes("ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ"));
    expect(repeat).toContain(`Lịch họp ${bookings[0]!.code}: ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ.`);
    // Neither answer speaks of a clash with a session the agency holds: there is one session.
    expect(answers.join("\n")).not.toContain("KHÔNG BỐ TRÍ ĐƯỢC");
  });

  it("a different session of the agency's at that time, sent at once, is still refused as a clash with its own", async () => {
    const desk = await makeDesk();
    const [a, b] = [mailDeskOf(desk), mailDeskOf(desk)];
    const other = letter.replace("nội dung: giao ban", "nội dung: tập huấn phần mềm");
    await Promise.all([
      a.handle(mail({ id: "gb@hanoi.gov.vn", body: letter, date: CLERK_DATE }), CLERK_NOW),
      b.handle(mail({ id: "th@hanoi.gov.vn", body: other, date: CLERK_DATE }), CLERK_NOW),
    ]);
    const bookings = await desk.store.read((r) => r.bookings.list({}));
    expect(bookings.map((x) => x.status).sort()).toEqual(["confirmed", "rejected"]);
    const held = bookings.find((x) => x.status === "confirmed")!;
    const refused = bookings.find((x) => x.status === "rejected")!;
    const answer = String((await mailAnswers(desk, refused.code)).at(-1)?.payload.text);
    expect(answer).toContain(`đã có lịch họp ${held.code}`);
    expect(answer).toContain("của chính Sở Công Thương");
  });
});
