import { describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { incidentTimeline } from "../../src/app/incident/timeline.js";
import { at, makeDesk } from "../helpers.js";
import { mailDeskOf } from "../support/mail-desk.js";
import { template } from "../support/service.js";
import { ev, tech } from "./chat-support.js";
import { rawMail } from "./mail-auth-support.js";

/**
 * Threat: a NUL character (U+0000) in a mail or a chat message. Anyone can put one in a mail (an encoded word
 * «=?utf-8?q?=00?=» in the subject, «=00» or base64 in the body). PostgreSQL's text and jsonb refuse it: the
 * statement failed, and the desk, which moves past an inbound mail or update only once its effect committed, read
 * the same one again at every round, holding every mail or update behind it. Runs on both stores.
 */
const NOW = new Date("2026-12-07T01:35:00Z");

describe("a NUL in a mail or a chat message is recorded, never a statement that fails", () => {
  it("an outsider's mail with NUL in the subject and body is refused, and the next agency mail is registered", async () => {
    const desk = await makeDesk();
    const mail = mailDeskOf(desk);
    const outsider = Buffer.from(
      [
        "From: Ai đó <ai.do@gmail.com>",
        "To: kythuat@hanoi.gov.vn",
        "Subject: =?utf-8?q?=C4=90=C4=83ng_k=C3=BD=00_h=E1=BB=8Dp?=",
        "Date: Mon, 07 Dec 2026 08:30:00 +0700",
        "Message-ID: <nul-1@gmail.com>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "H=E1=BB=8Dp=00 l=C3=BAc 9h00 ng=C3=A0y 10/12/2026",
        "",
      ].join("\r\n"),
    );
    expect(await mail.handle(outsider, NOW)).toMatchObject({ kind: "refused" });
    const agency = rawMail({
      id: "nul-2@hanoi.gov.vn",
      from: "vanthu.sct@hanoi.gov.vn",
      subject: "Đăng ký\u0000 lịch họp",
      body: template(1).replace("Phiên họp số 1", "Phiên họp\u0000 số 1"),
    });
    expect(await mail.handle(agency, NOW)).toMatchObject({ kind: "registered" });
    const booking = await desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
    expect(booking?.request.title?.replaceAll("\u0000", "")).toBe("Phiên họp số 1");
  });

  it("a fault report with NUL opens its incident; a typed «\\u0000» in a comment is kept as typed", async () => {
    const desk = await makeDesk();
    const reporter = tech("CX-00008").telegramId!;
    const now = at("2026-12-10", "09:30");
    await handleChatEvent(desk, ev(reporter, "mất\u0000 tiếng"), now);
    const [incident] = await desk.store.read((r) => r.incidents.list());
    expect(incident?.category).toBe("audio");
    await handleChatEvent(desk, ev(reporter, `/ghichu ${incident!.code} mã lỗi \\u0000 trên màn hình`), now);
    const steps = await desk.store.read((r) => incidentTimeline(r, incident!));
    expect(steps.map((e) => e.note)).toContain("mã lỗi \\u0000 trên màn hình");
  });
});
